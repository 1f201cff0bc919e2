import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { cardsInForce, DEFAULT_RATE_CARDS, selectRateCard, validateRateCard } from '@lcm/domain/pricing';
import { ApiError } from '../common/api-error';
import { AuditService } from '../audit/audit.service';
import type { AuthUser } from '../auth/auth.decorators';
import type { Transaction } from '../database/prisma.service';
import { RateCardCreateDto, RateCardListQueryDto, RateCardResponseDto } from './rate-cards.dto';
import { RateCardsRepository, StoredRateCard } from './rate-cards.repository';
import { toRateCardResponse } from './rate-cards.mapper';

@Injectable()
export class RateCardsService implements OnApplicationBootstrap {
  constructor(
    private readonly repository: RateCardsRepository,
    private readonly audit: AuditService,
  ) {}

  /** The shipped defaults (TW and JP), loaded once; admins add LINE's real band tables on top. */
  async onApplicationBootstrap(): Promise<void> {
    for (const card of DEFAULT_RATE_CARDS) await this.repository.insertIfAbsent(card);
  }

  async list(query: RateCardListQueryDto): Promise<{ items: RateCardResponseDto[]; nextCursor: null }> {
    return { items: (await this.repository.list(query)).map(toRateCardResponse), nextCursor: null };
  }

  /** A new card takes effect from its date; forecasts made before keep pointing at the card they used. */
  async create(actor: AuthUser, dto: RateCardCreateDto): Promise<RateCardResponseDto> {
    const validation = validateRateCard(dto);
    if (!validation.ok) {
      throw ApiError.badRequest(validation.errors.map((e) => `${e.field}: ${e.problem}`).join('; '), validation.errors);
    }
    return this.repository.transaction(async (tx) => {
      const card = await this.repository.create(validation.card, actor.id, tx);
      await this.audit.record(
        {
          actorId: actor.id,
          action: 'rate_card.created',
          entityType: 'rate_card',
          entityId: card.id,
          after: toRateCardResponse(card),
        },
        tx,
      );
      return toRateCardResponse(card);
    });
  }

  /** The plans a region's cards name and the currency of its newest card; null when the region has none. Regions and plans are data. */
  regionCatalog(region: string, tx?: Transaction): Promise<{ currency: string; plans: string[] } | null> {
    return this.repository.regionCatalog(region, tx);
  }

  /** The regions that have rate cards. */
  regions(tx?: Transaction): Promise<string[]> {
    return this.repository.regions(tx);
  }

  /** The card of the region and plan in force on a local date, and every plan's card for suggestions. */
  async inForce(
    region: string,
    plan: string,
    localDate: string,
    tx?: Transaction,
  ): Promise<{ card: StoredRateCard; regionCards: StoredRateCard[] }> {
    const candidates = await this.repository.effectiveOn(region, localDate, tx);
    const card = selectRateCard(candidates, region, plan, localDate);
    if (!card)
      throw ApiError.unprocessable(
        `no rate card for ${region}/${plan} is in force on ${localDate}; an admin must add one`,
      );
    return { card, regionCards: cardsInForce(candidates, region, localDate) };
  }

  async get(id: string, tx?: Transaction): Promise<StoredRateCard> {
    const card = await this.repository.findById(id, tx);
    if (!card) throw ApiError.notFound(`rate card ${id}`);
    return card;
  }
}

import { Injectable } from '@nestjs/common';
import type { RateCard as RateCardRow } from '@lcm/database';
import type { RateBand, RateCard } from '@lcm/domain/pricing';
import { PrismaService, Transaction } from '../database/prisma.service';
import { modelColumns } from '../database/sql-rows';

/** Every column, for the read on the pg pool (the cards in force, which every forecast and usage read asks for). */
const RATE_CARD = modelColumns<RateCardRow>({
  id: 'id',
  region: 'region',
  plan: 'plan',
  currency: 'currency',
  monthlyFee: { decimal: 'monthly_fee' },
  freeMessages: 'free_messages',
  additionalAllowed: 'additional_allowed',
  tiers: 'tiers',
  effectiveFrom: { date: 'effective_from' },
  source: 'source',
  verified: 'verified',
  createdById: 'created_by_id',
  createdAt: 'created_at',
});

/** A rate card as stored: the domain's card plus its id. */
export interface StoredRateCard extends RateCard {
  id: string;
  createdAt: Date;
}

@Injectable()
export class RateCardsRepository {
  constructor(private readonly prisma: PrismaService) {}

  async list(filter: { region?: string; plan?: string }): Promise<StoredRateCard[]> {
    const rows = await this.prisma.client.rateCard.findMany({
      where: { region: filter.region, plan: filter.plan },
      orderBy: [{ region: 'asc' }, { plan: 'asc' }, { effectiveFrom: 'asc' }, { createdAt: 'asc' }],
    });
    return rows.map(toStoredRateCard);
  }

  async findById(id: string, tx?: Transaction): Promise<StoredRateCard | null> {
    const row = await this.prisma.db(tx).rateCard.findUnique({ where: { id } });
    return row ? toStoredRateCard(row) : null;
  }

  /** The plans the region's cards name and the currency of its newest card; null when the region has no card. */
  async regionCatalog(region: string, tx?: Transaction): Promise<{ currency: string; plans: string[] } | null> {
    const rows = await this.prisma.db(tx).rateCard.findMany({
      where: { region },
      select: { plan: true, currency: true },
      orderBy: [{ effectiveFrom: 'desc' }, { createdAt: 'desc' }],
    });
    if (!rows.length) return null;
    return { currency: rows[0].currency, plans: [...new Set(rows.map((row) => row.plan))].sort() };
  }

  async regions(tx?: Transaction): Promise<string[]> {
    const rows = await this.prisma.db(tx).rateCard.findMany({
      distinct: ['region'],
      select: { region: true },
      orderBy: { region: 'asc' },
    });
    return rows.map((row) => row.region);
  }

  /** Cards of the region that took effect on or before the date (ordered oldest first). */
  async effectiveOn(region: string, date: string, tx?: Transaction): Promise<StoredRateCard[]> {
    if (tx) {
      const rows = await this.prisma.db(tx).rateCard.findMany({
        where: { region, effectiveFrom: { lte: new Date(`${date}T00:00:00Z`) } },
        orderBy: [{ effectiveFrom: 'asc' }, { createdAt: 'asc' }],
      });
      return rows.map(toStoredRateCard);
    }
    const { rows } = await this.prisma.pool.query({
      name: 'rate-cards.effective-on',
      text: `SELECT ${RATE_CARD.select('k')} FROM rate_cards k WHERE k.region = $1 AND k.effective_from <= $2::date
              ORDER BY k.effective_from, k.created_at`,
      values: [region, date],
    });
    return rows.map((row) => toStoredRateCard(RATE_CARD.read(row)));
  }

  async create(card: RateCard, createdById: string | null, tx?: Transaction): Promise<StoredRateCard> {
    const row = await this.prisma.db(tx).rateCard.create({ data: toRow(card, createdById) });
    return toStoredRateCard(row);
  }

  /** Inserts the card unless the same (region, plan, effectiveFrom, source) exists; safe for instances starting together. */
  async insertIfAbsent(card: RateCard): Promise<void> {
    await this.prisma.client.rateCard.createMany({ data: [toRow(card, null)], skipDuplicates: true });
  }

  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.prisma.transaction(work);
  }
}

function toRow(card: RateCard, createdById: string | null) {
  return {
    region: card.region,
    plan: card.plan,
    currency: card.currency,
    monthlyFee: card.monthlyFee,
    freeMessages: card.freeMessages,
    additionalAllowed: card.additionalAllowed,
    tiers: card.tiers.map((band) => ({ upTo: band.upTo, unitPrice: band.unitPrice })),
    effectiveFrom: new Date(`${card.effectiveFrom}T00:00:00Z`),
    source: card.source,
    verified: card.verified,
    createdById,
  };
}

export function toStoredRateCard(row: RateCardRow): StoredRateCard {
  return {
    id: row.id,
    region: row.region,
    plan: row.plan,
    currency: row.currency,
    monthlyFee: row.monthlyFee.toString(),
    freeMessages: row.freeMessages,
    additionalAllowed: row.additionalAllowed,
    tiers: row.tiers as unknown as RateBand[],
    effectiveFrom: row.effectiveFrom.toISOString().slice(0, 10),
    source: row.source,
    verified: row.verified,
    createdAt: row.createdAt,
  };
}

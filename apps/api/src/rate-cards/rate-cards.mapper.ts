import type { RateCardResponseDto } from './rate-cards.dto';
import type { StoredRateCard } from './rate-cards.repository';

export function toRateCardResponse(card: StoredRateCard): RateCardResponseDto {
  const { createdAt, ...rest } = card;
  return { ...rest, createdAt: createdAt.toISOString() };
}

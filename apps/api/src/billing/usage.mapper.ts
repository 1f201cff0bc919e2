import type { MonthProjection } from '@lcm/domain/forecast';
import { money } from '@lcm/domain/money';
import type { ProjectionResponseDto } from './billing.dto';

/** The projection's parts as the API answers them: money with its currency. */
export function projectionResponse(projection: MonthProjection): ProjectionResponseDto {
  const { currency } = projection;
  return {
    elapsedFraction: projection.elapsedFraction,
    sentSoFar: projection.sentSoFar,
    reserved: projection.reserved,
    outside: projection.outside,
    scheduled: projection.scheduled,
    endOfMonthMessages: projection.endOfMonthMessages,
    endOfMonthAdditionalMessages: projection.endOfMonthAdditionalMessages,
    endOfMonthSpend: money(projection.endOfMonthSpend, currency),
    exceedsPlanLimit: projection.exceedsPlanLimit,
    limits: projection.limits,
  };
}

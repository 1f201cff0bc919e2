import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { FREQUENCY_CAP_LIMITS } from '@lcm/domain/frequency-caps';

const { messages, days } = FREQUENCY_CAP_LIMITS;

/** At most `messages` campaign sends reach one contact in any `days` days. */
export class FrequencyCapDto {
  @ApiProperty({
    minimum: messages.min,
    maximum: messages.max,
    example: 2,
    description:
      'Campaign sends one contact may receive in the window (a send counts once, whatever its message objects)',
  })
  @IsInt()
  @Min(messages.min)
  @Max(messages.max)
  messages: number;

  @ApiProperty({
    minimum: days.min,
    maximum: days.max,
    example: 7,
    description: 'The rolling window, in days of 24 hours back from the moment a run is gated',
  })
  @IsInt()
  @Min(days.min)
  @Max(days.max)
  days: number;
}

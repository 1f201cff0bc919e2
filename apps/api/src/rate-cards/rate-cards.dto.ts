import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow, IsOptional, IsString, Matches } from 'class-validator';

/**
 * The card's fields are checked by the domain's validateRateCard (bands ascending, last open, prices
 * non-negative decimals…), which names the bad field; class-validator only lets them through.
 */
export class RateBandDto {
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'Last additional-message position of the band; null for the open last band',
  })
  upTo: number | null;

  @ApiProperty({ example: '0.2', description: 'Price per message, a decimal string' })
  unitPrice: string;
}

export class RateCardCreateDto {
  @ApiProperty({ example: 'TW' }) @Allow() region: string;
  @ApiProperty({ example: 'high' }) @Allow() plan: string;
  @ApiProperty({ example: 'TWD' }) @Allow() currency: string;
  @ApiProperty({ example: '1200' }) @Allow() monthlyFee: string;
  @ApiProperty({ example: 6000 }) @Allow() freeMessages: number;
  @ApiProperty({ example: true }) @Allow() additionalAllowed: boolean;
  @ApiProperty({ type: [RateBandDto] }) @Allow() tiers: RateBandDto[];
  @ApiProperty({ example: '2023-09-01', description: 'Local date from which the card is in force' })
  @Allow()
  effectiveFrom: string;
  @ApiProperty({ example: 'LINE OA pricing (TW), price list PDF of 2023-09' }) @Allow() source: string;
  @ApiProperty({ description: "True only for bands copied from LINE's own price list" }) @Allow() verified: boolean;
}

export class RateCardListQueryDto {
  @ApiPropertyOptional({ example: 'TW' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Z]{2}$/, { message: 'must be a two-letter region code such as TW or JP' })
  region?: string;

  @ApiPropertyOptional({ example: 'high' })
  @IsOptional()
  @IsString()
  @Matches(/^[a-z_]{1,40}$/, { message: 'must be a plan code such as light, medium or high' })
  plan?: string;
}

export class RateCardResponseDto extends RateCardCreateDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class RateCardListResponseDto {
  @ApiProperty({ type: [RateCardResponseDto] }) items: RateCardResponseDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

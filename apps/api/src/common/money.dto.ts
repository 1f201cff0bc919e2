import { ApiProperty } from '@nestjs/swagger';

export const DECIMAL_PATTERN = /^\d{1,14}(\.\d{1,4})?$/;

export class MoneyDto {
  @ApiProperty({ example: '123.4500', description: 'Exact decimal, as a string' }) amount: string;
  @ApiProperty({ example: 'TWD' }) currency: string;
}

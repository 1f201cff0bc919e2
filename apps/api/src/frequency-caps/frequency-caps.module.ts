import { Module } from '@nestjs/common';
import { DeliveryHistoryRepository } from './delivery-history.repository';
import { FrequencyCapsService } from './frequency-caps.service';

/** Frequency caps: the delivery history (owned here), written by the budget gate, pruned hourly. */
@Module({
  providers: [DeliveryHistoryRepository, FrequencyCapsService],
  exports: [FrequencyCapsService],
})
export class FrequencyCapsModule {}

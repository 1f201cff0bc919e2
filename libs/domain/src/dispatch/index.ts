export { retryDelayMs } from './backoff';
export type { BackoffPolicy } from './backoff';
export { requestRetryKey, uuidV5 } from './requests';
export { TokenBucket } from './token-bucket';

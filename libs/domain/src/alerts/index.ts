export {
  alertPayload,
  DEFAULT_ALERT_THRESHOLDS,
  MAX_ALERT_THRESHOLD_PERCENT,
  MAX_ALERT_THRESHOLDS,
  monthAlerts,
} from './month-alerts';
export type { AlertKind, BlockedRun, MonthAlert } from './month-alerts';

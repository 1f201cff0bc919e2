/** Environment variables through which the global setup tells test workers where the template is. */
export const TEST_ENV = {
  serverUrl: 'LCM_TEST_SERVER_URL',
  templateDatabase: 'LCM_TEST_TEMPLATE_DB',
} as const;

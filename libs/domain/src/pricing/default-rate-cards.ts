import { RateCard } from './rate-card';

const TW_SOURCE =
  'LINE for Business Taiwan, LINE Official Account plans and pricing page (tw.linebiz.com), prices in force since 2023-09, untaxed TWD';
const TW_HIGH_SOURCE =
  `${TW_SOURCE}. Fee and free messages from that page; the additional-message band table (a PDF linked there) is not loaded: ` +
  'every additional message is priced at the first band, NT$0.2, the safe upper bound, until an admin loads the verified table.';
const JP_SOURCE =
  'LY Corporation for Business Japan, LINE Official Account plans and pricing page (www.lycbiz.com), prices in force since 2023-06, untaxed JPY';
const JP_STANDARD_SOURCE =
  `${JP_SOURCE}. Fee and free messages from that page; the additional-message band table is not loaded: ` +
  'every additional message is priced at the first band, ¥3, the safe upper bound, until an admin loads the verified table.';

function card(fields: Omit<RateCard, 'tiers'> & { tiers?: RateCard['tiers'] }): RateCard {
  return Object.freeze({ ...fields, tiers: Object.freeze(fields.tiers ?? []) as RateCard['tiers'] });
}

/**
 * The rate cards a fresh installation starts with. Plan fees and free messages are LINE's published
 * figures; the top plans' additional messages are priced at their first (highest) band only and are
 * unverified, because overestimating can cost a send while underestimating costs money. Cards
 * without additional messages are marked verified: they have no bands to guess.
 */
export const DEFAULT_RATE_CARDS: readonly RateCard[] = Object.freeze([
  card({
    region: 'TW',
    plan: 'light',
    currency: 'TWD',
    monthlyFee: '0',
    freeMessages: 200,
    additionalAllowed: false,
    effectiveFrom: '2023-09-01',
    source: TW_SOURCE,
    verified: true,
  }),
  card({
    region: 'TW',
    plan: 'medium',
    currency: 'TWD',
    monthlyFee: '800',
    freeMessages: 3000,
    additionalAllowed: false,
    effectiveFrom: '2023-09-01',
    source: TW_SOURCE,
    verified: true,
  }),
  card({
    region: 'TW',
    plan: 'high',
    currency: 'TWD',
    monthlyFee: '1200',
    freeMessages: 6000,
    additionalAllowed: true,
    tiers: [{ upTo: null, unitPrice: '0.2' }],
    effectiveFrom: '2023-09-01',
    source: TW_HIGH_SOURCE,
    verified: false,
  }),
  card({
    region: 'JP',
    plan: 'communication',
    currency: 'JPY',
    monthlyFee: '0',
    freeMessages: 200,
    additionalAllowed: false,
    effectiveFrom: '2023-06-01',
    source: JP_SOURCE,
    verified: true,
  }),
  card({
    region: 'JP',
    plan: 'light',
    currency: 'JPY',
    monthlyFee: '5000',
    freeMessages: 5000,
    additionalAllowed: false,
    effectiveFrom: '2023-06-01',
    source: JP_SOURCE,
    verified: true,
  }),
  card({
    region: 'JP',
    plan: 'standard',
    currency: 'JPY',
    monthlyFee: '15000',
    freeMessages: 30000,
    additionalAllowed: true,
    tiers: [{ upTo: null, unitPrice: '3' }],
    effectiveFrom: '2023-06-01',
    source: JP_STANDARD_SOURCE,
    verified: false,
  }),
]);

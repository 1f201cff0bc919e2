export {
  bindCampaignPostbacks,
  CAMPAIGN_POSTBACK_PREFIX,
  campaignPostbackData,
  campaignPostbackProblems,
  parseCampaignPostback,
  POSTBACK_LABEL_PATTERN,
} from './postback-data';
export type { CampaignPostback, PostbackProblem } from './postback-data';

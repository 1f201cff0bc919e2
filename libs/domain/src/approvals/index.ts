export { CONTENT_FIELDS, contentChanges } from './changes';
export type { ApprovedAudience, CampaignContent, ContentChange, ContentField } from './changes';

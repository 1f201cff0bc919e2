import { bindCampaignPostbacks, campaignPostbackData, campaignPostbackProblems, parseCampaignPostback } from '.';

const CAMPAIGN = '0b6a4c1e-8f3d-4d2a-9c4b-5e6f7a8b9c0d';
const OTHER = '11111111-2222-4333-8444-555555555555';

const buttons = (data: string) => [
  {
    type: 'template',
    altText: 'Pick one',
    template: {
      type: 'buttons',
      text: 'Pick one',
      actions: [
        { type: 'postback', label: 'Yes', data },
        { type: 'postback', label: 'Other', data: 'menu=2' },
      ],
    },
  },
];

describe('campaign postback data', () => {
  it('is short, names the campaign and a label, and parses back', () => {
    const data = campaignPostbackData(CAMPAIGN, 'coupon_yes');
    expect(data).toBe(`lcm:${CAMPAIGN}:coupon_yes`);
    expect(data.length).toBeLessThanOrEqual(300);
    expect(parseCampaignPostback(data)).toEqual({ campaignId: CAMPAIGN, label: 'coupon_yes' });
  });

  it('parses nothing that this service did not write', () => {
    for (const data of [
      'menu=2',
      'lcm:coupon',
      `lcm:${CAMPAIGN}:`,
      `lcm:${CAMPAIGN}:a:b`,
      `lcm:${CAMPAIGN.toUpperCase()}:a`,
      42,
    ])
      expect(parseCampaignPostback(data)).toBeNull();
    expect(parseCampaignPostback(`lcm:${CAMPAIGN}:${'x'.repeat(33)}`)).toBeNull();
  });

  it('binds every lcm: postback of the messages to the campaign being saved, leaving other data alone', () => {
    const bound = bindCampaignPostbacks(buttons('lcm:yes'), CAMPAIGN);
    expect(bound[0].template.actions).toEqual([
      { type: 'postback', label: 'Yes', data: `lcm:${CAMPAIGN}:yes` },
      { type: 'postback', label: 'Other', data: 'menu=2' },
    ]);
    // Copied from another campaign: re-bound to this one.
    expect(bindCampaignPostbacks(buttons(`lcm:${OTHER}:yes`), CAMPAIGN)[0].template.actions[0].data).toBe(
      `lcm:${CAMPAIGN}:yes`,
    );
    // Quick replies and flex buttons too.
    const quick = [
      {
        type: 'text',
        text: 'hi',
        quickReply: { items: [{ type: 'action', action: { type: 'postback', label: 'A', data: 'lcm:a' } }] },
      },
    ];
    expect(bindCampaignPostbacks(quick, CAMPAIGN)[0].quickReply.items[0].action.data).toBe(`lcm:${CAMPAIGN}:a`);
  });

  it('names the path of malformed lcm: data', () => {
    expect(campaignPostbackProblems(buttons('lcm:two words'))).toEqual([
      { property: 'messages[0].template.actions[0].data', message: expect.stringContaining('lcm:<label>') },
    ]);
    expect(campaignPostbackProblems(buttons('lcm:yes'))).toEqual([]);
  });
});

import fc from 'fast-check';
import {
  isLinePushTargetId,
  isLineUserId,
  lineBadRequestBody,
  requestsPerRecipient,
  splitIntoRequests,
  validateLineMessages,
  validateMessageCount,
} from './index';
import { SAMPLE_MESSAGES, sampleMessages } from './testing/sample-messages';

const text = (value: string) => ({ type: 'text', text: value });
const propertiesOf = (messages: unknown, pathPrefix?: string) =>
  validateLineMessages(messages, { pathPrefix }).map((problem) => problem.property);

describe('validateLineMessages', () => {
  it.each(Object.entries(SAMPLE_MESSAGES))('accepts the valid %s sample', (_name, message) => {
    expect(validateLineMessages([message])).toEqual([]);
  });

  it('does not limit the number of objects: that is the separate per-request count rule', () => {
    const seven = sampleMessages().slice(0, 7);
    expect(validateLineMessages(seven)).toEqual([]);
    expect(validateMessageCount(seven)).toEqual([{ property: 'messages', message: 'Size must be between 1 and 5' }]);
    expect(validateMessageCount([])).toEqual([{ property: 'messages', message: 'Size must be between 1 and 5' }]);
    expect(validateMessageCount(seven.slice(0, 5))).toEqual([]);
    expect(validateMessageCount(undefined)).toEqual([{ property: 'messages', message: 'must be specified' }]);
  });

  it('names problems with the given path prefix', () => {
    expect(propertiesOf([text('ok'), text('')], 'campaign.messages')).toEqual(['campaign.messages[1].text']);
  });

  it('limits text to 5000 characters and refuses an empty text', () => {
    expect(validateLineMessages([text('a'.repeat(5000))])).toEqual([]);
    expect(validateLineMessages([text('a'.repeat(5001))])).toEqual([
      { property: 'messages[0].text', message: 'Length must be between 1 and 5000' },
    ]);
    expect(validateLineMessages([text('')])).toEqual([{ property: 'messages[0].text', message: 'May not be empty' }]);
    expect(validateLineMessages([{ type: 'text' }])).toEqual([
      { property: 'messages[0].text', message: 'must be specified' },
    ]);
  });

  it('needs each LINE emoji to point at a $ in the text', () => {
    const message = { type: 'text', text: 'no dollar', emojis: [{ index: 0, productId: 'p', emojiId: '001' }] };
    expect(propertiesOf([message])).toEqual(['messages[0].emojis[0].index']);
  });

  it.each([
    [
      'image over http',
      { ...SAMPLE_MESSAGES.image, originalContentUrl: 'http://example.com/a.jpg' },
      'messages[0].originalContentUrl',
    ],
    [
      'image with a relative URL',
      { ...SAMPLE_MESSAGES.image, previewImageUrl: '/a.jpg' },
      'messages[0].previewImageUrl',
    ],
    [
      'image URL over 2000 characters',
      { ...SAMPLE_MESSAGES.image, previewImageUrl: `https://example.com/${'a'.repeat(2000)}` },
      'messages[0].previewImageUrl',
    ],
    [
      'video without preview',
      { type: 'video', originalContentUrl: 'https://example.com/a.mp4' },
      'messages[0].previewImageUrl',
    ],
    [
      'audio without duration',
      { type: 'audio', originalContentUrl: 'https://example.com/a.m4a' },
      'messages[0].duration',
    ],
    ['location without address', { type: 'location', title: 't', latitude: 1, longitude: 2 }, 'messages[0].address'],
    ['location latitude out of range', { ...SAMPLE_MESSAGES.location, latitude: 91 }, 'messages[0].latitude'],
    ['sticker without stickerId', { type: 'sticker', packageId: '446' }, 'messages[0].stickerId'],
    [
      'imagemap base width other than 1040',
      { ...SAMPLE_MESSAGES.imagemap, baseSize: { width: 700, height: 700 } },
      'messages[0].baseSize.width',
    ],
    [
      'imagemap action without area',
      { ...SAMPLE_MESSAGES.imagemap, actions: [{ type: 'message', text: 'hi' }] },
      'messages[0].actions[0].area',
    ],
    [
      'imagemap uri action with a javascript: link',
      {
        ...SAMPLE_MESSAGES.imagemap,
        actions: [{ type: 'uri', linkUri: 'javascript:alert(1)', area: { x: 0, y: 0, width: 1, height: 1 } }],
      },
      'messages[0].actions[0].linkUri',
    ],
    [
      'template without altText',
      { type: 'template', template: { type: 'confirm', text: 'x', actions: [] } },
      'messages[0].altText',
    ],
    ['coupon without couponId', { type: 'coupon' }, 'messages[0].couponId'],
    ['unknown message type', { type: 'file' }, 'messages[0].type'],
    ['type borrowed from Object.prototype', { type: 'constructor' }, 'messages[0].type'],
    ['missing type', { text: 'hi' }, 'messages[0].type'],
    ['sender name over 20 characters', { ...text('hi'), sender: { name: 'x'.repeat(21) } }, 'messages[0].sender.name'],
  ])('refuses %s', (_name, message, property) => {
    expect(propertiesOf([message])).toContain(property);
  });

  describe('template messages', () => {
    const buttons = (actions: unknown[], extra: Record<string, unknown> = {}) => ({
      type: 'template',
      altText: 'alt',
      template: { type: 'buttons', text: 'Please select', actions, ...extra },
    });

    it('requires 1 to 4 button actions, each with a label of at most 20 characters', () => {
      expect(propertiesOf([buttons([])])).toEqual(['messages[0].template.actions']);
      const five = Array.from({ length: 5 }, (_, i) => ({ type: 'message', label: `L${i}`, text: 't' }));
      expect(propertiesOf([buttons(five)])).toEqual(['messages[0].template.actions']);
      expect(propertiesOf([buttons([{ type: 'message', label: 'x'.repeat(21), text: 't' }])])).toEqual([
        'messages[0].template.actions[0].label',
      ]);
      expect(propertiesOf([buttons([{ type: 'message', text: 't' }])])).toEqual([
        'messages[0].template.actions[0].label',
      ]);
    });

    it('allows 160 characters of text, or 60 with an image or a title', () => {
      const action = [{ type: 'message', label: 'ok', text: 't' }];
      expect(propertiesOf([buttons(action, { text: 'x'.repeat(160) })])).toEqual([]);
      expect(propertiesOf([buttons(action, { text: 'x'.repeat(61), title: 'T' })])).toEqual([
        'messages[0].template.text',
      ]);
    });

    it('refuses actions that only quick reply buttons may use', () => {
      expect(propertiesOf([buttons([{ type: 'camera', label: 'Camera' }])])).toEqual([
        'messages[0].template.actions[0].type',
      ]);
    });

    it('needs exactly two confirm actions', () => {
      const confirm = structuredClone(SAMPLE_MESSAGES.confirmTemplate) as { template: { actions: unknown[] } };
      confirm.template.actions.push({ type: 'message', label: 'Maybe', text: 'maybe' });
      expect(propertiesOf([confirm])).toEqual(['messages[0].template.actions']);
    });

    it('needs the same number of actions in every carousel column, and at most 10 columns', () => {
      const carousel = structuredClone(SAMPLE_MESSAGES.carouselTemplate) as {
        template: { columns: { actions: unknown[] }[] };
      };
      carousel.template.columns[1].actions.pop();
      expect(propertiesOf([carousel])).toEqual(['messages[0].template.columns']);
      const wide = structuredClone(SAMPLE_MESSAGES.carouselTemplate) as { template: { columns: unknown[] } };
      wide.template.columns = Array.from({ length: 11 }, () => ({
        text: 't',
        actions: [{ type: 'message', label: 'a', text: 'a' }],
      }));
      expect(propertiesOf([wide])).toEqual(['messages[0].template.columns']);
    });

    it('checks postback data length and datetime formats', () => {
      expect(propertiesOf([buttons([{ type: 'postback', label: 'p', data: 'x'.repeat(301) }])])).toEqual([
        'messages[0].template.actions[0].data',
      ]);
      expect(
        propertiesOf([
          buttons([{ type: 'datetimepicker', label: 'd', data: '', mode: 'date', initial: '2026-12-25T10:00' }]),
        ]),
      ).toEqual(['messages[0].template.actions[0].initial']);
    });
  });

  describe('flex messages', () => {
    const flex = (contents: unknown, altText = 'alt') => ({ type: 'flex', altText, contents });
    const bubbleWithBody = (contents: unknown[], layout = 'vertical') => ({
      type: 'bubble',
      body: { type: 'box', layout, contents },
    });

    it('limits altText to 400 characters', () => {
      expect(propertiesOf([flex(bubbleWithBody([]), 'x'.repeat(400))])).toEqual([]);
      expect(propertiesOf([flex(bubbleWithBody([]), 'x'.repeat(401))])).toEqual(['messages[0].altText']);
    });

    it('takes only a bubble or a carousel of 1 to 12 bubbles', () => {
      expect(propertiesOf([flex({ type: 'bubbles' })])).toEqual(['messages[0].contents.type']);
      expect(
        propertiesOf([flex({ type: 'carousel', contents: Array.from({ length: 13 }, () => ({ type: 'bubble' })) })]),
      ).toEqual(['messages[0].contents.contents']);
      expect(
        propertiesOf([flex({ type: 'carousel', contents: [{ type: 'box', layout: 'vertical', contents: [] }] })]),
      ).toEqual(['messages[0].contents.contents[0].type']);
    });

    it('places components only where LINE allows them', () => {
      expect(propertiesOf([flex(bubbleWithBody([{ type: 'icon', url: 'https://example.com/i.png' }]))])).toEqual([
        'messages[0].contents.body.contents[0].type',
      ]);
      expect(propertiesOf([flex({ type: 'bubble', body: { type: 'text', text: 'x' } })])).toEqual([
        'messages[0].contents.body.type',
      ]);
      expect(propertiesOf([flex(bubbleWithBody([{ type: 'span', text: 'x' }]))])).toEqual([
        'messages[0].contents.body.contents[0].type',
      ]);
    });

    it('checks required properties of boxes, texts, images and buttons', () => {
      expect(propertiesOf([flex({ type: 'bubble', body: { type: 'box', layout: 'vertical' } })])).toEqual([
        'messages[0].contents.body.contents',
      ]);
      expect(propertiesOf([flex(bubbleWithBody([{ type: 'text' }]))])).toEqual([
        'messages[0].contents.body.contents[0].text',
      ]);
      expect(propertiesOf([flex(bubbleWithBody([{ type: 'image', url: 'http://example.com/a.png' }]))])).toEqual([
        'messages[0].contents.body.contents[0].url',
      ]);
      expect(propertiesOf([flex(bubbleWithBody([{ type: 'button' }]))])).toEqual([
        'messages[0].contents.body.contents[0].action',
      ]);
      expect(propertiesOf([flex(bubbleWithBody([{ type: 'box', layout: 'diagonal', contents: [] }]))])).toEqual([
        'messages[0].contents.body.contents[0].layout',
      ]);
    });

    it('refuses a bubble over 30 KB', () => {
      const texts = Array.from({ length: 40 }, () => ({ type: 'text', text: 'x'.repeat(1000) }));
      expect(propertiesOf([flex(bubbleWithBody(texts))])).toEqual(['messages[0].contents']);
    });

    it('survives absurd nesting without exhausting the stack', () => {
      let box: Record<string, unknown> = { type: 'box', layout: 'vertical', contents: [] };
      for (let i = 0; i < 5000; i += 1) box = { type: 'box', layout: 'vertical', contents: [box] };
      const problems = validateLineMessages([flex({ type: 'bubble', body: box })]);
      expect(problems.length).toBeGreaterThan(0);
    });
  });

  it('reports a non-array argument as one problem', () => {
    expect(validateLineMessages({ type: 'text' })).toEqual([{ property: 'messages', message: 'must be an array' }]);
    expect(validateLineMessages(null)).toEqual([{ property: 'messages', message: 'must be specified' }]);
  });

  it('never throws, and names every problem under the prefix, whatever JSON it is given', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const problems = validateLineMessages([value], { pathPrefix: 'm' });
        return problems.every((problem) => problem.property.startsWith('m[0]') && problem.message.length > 0);
      }),
      { numRuns: 300 },
    );
  });

  it('accepts any non-empty text of at most 5000 characters', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 5000, unit: 'binary' }).filter((s) => s.length <= 5000),
        (value) => validateLineMessages([text(value)]).length === 0,
      ),
      { numRuns: 40 },
    );
  });
});

describe('request helpers', () => {
  it('counts ceil(objects / 5) requests per recipient and splits the objects accordingly', () => {
    expect([0, 1, 5, 6, 10, 11].map(requestsPerRecipient)).toEqual([0, 1, 1, 2, 2, 3]);
    expect(splitIntoRequests([1, 2, 3, 4, 5, 6, 7]).map((group) => group.length)).toEqual([5, 2]);
    expect(splitIntoRequests([1]).map((group) => group.length)).toEqual([1]);
    expect(() => splitIntoRequests([])).toThrow(RangeError);
    expect(() => requestsPerRecipient(-1)).toThrow(RangeError);
  });

  it("builds LINE's 400 body", () => {
    expect(lineBadRequestBody([{ property: 'messages[0].text', message: 'May not be empty' }])).toEqual({
      message: 'The request body has 1 error(s)',
      details: [{ message: 'May not be empty', property: 'messages[0].text' }],
    });
  });

  it('recognises user ids and push targets', () => {
    expect(isLineUserId('U' + 'a'.repeat(32))).toBe(true);
    expect(isLineUserId('U' + 'A'.repeat(32))).toBe(false);
    expect(isLineUserId('C' + 'a'.repeat(32))).toBe(false);
    expect(isLinePushTargetId('C' + 'a'.repeat(32))).toBe(true);
    expect(isLinePushTargetId('U' + 'a'.repeat(31))).toBe(false);
  });
});

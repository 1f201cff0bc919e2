/**
 * Valid message objects covering every message, template, action, imagemap-action and flex
 * component type, for tests here and in the LINE simulator's contract test (which also checks
 * them against LINE's OpenAPI schemas).
 */
export const SAMPLE_USER_ID = 'U4af4980629a1b2c3d4e5f60718293a4b';

export const SAMPLE_MESSAGES: Record<string, Record<string, unknown>> = {
  text: {
    type: 'text',
    text: 'Hello $ world',
    emojis: [{ index: 6, productId: '5ac1bfd5040ab15980c9b435', emojiId: '001' }],
  },
  textWithQuickReply: {
    type: 'text',
    text: 'Pick one',
    sender: { name: 'Cony', iconUrl: 'https://example.com/cony.png' },
    quickReply: {
      items: [
        {
          type: 'action',
          imageUrl: 'https://example.com/sushi.png',
          action: { type: 'message', label: 'Sushi', text: 'Sushi' },
        },
        { type: 'action', action: { type: 'postback', label: 'Buy', data: 'action=buy&itemid=1', displayText: 'Buy' } },
        { type: 'action', action: { type: 'camera', label: 'Camera' } },
        { type: 'action', action: { type: 'cameraRoll', label: 'Camera roll' } },
        { type: 'action', action: { type: 'location', label: 'Location' } },
        {
          type: 'action',
          action: {
            type: 'datetimepicker',
            label: 'When',
            data: 'storeId=12345',
            mode: 'datetime',
            initial: '2026-12-25t00:00',
            max: '2027-01-24t23:59',
            min: '2026-12-25t00:00',
          },
        },
        { type: 'action', action: { type: 'uri', label: 'Site', uri: 'https://example.com/' } },
      ],
    },
  },
  textV2: {
    type: 'textV2',
    text: 'Welcome, {user}! {smile} Hi {everyone}',
    substitution: {
      user: { type: 'mention', mentionee: { type: 'user', userId: SAMPLE_USER_ID } },
      smile: { type: 'emoji', productId: '5a8555cfe6256cc92ea23c2a', emojiId: '002' },
      everyone: { type: 'mention', mentionee: { type: 'all' } },
    },
  },
  sticker: { type: 'sticker', packageId: '446', stickerId: '1988' },
  image: {
    type: 'image',
    originalContentUrl: 'https://example.com/original.jpg',
    previewImageUrl: 'https://example.com/preview.jpg',
  },
  video: {
    type: 'video',
    originalContentUrl: 'https://example.com/original.mp4',
    previewImageUrl: 'https://example.com/preview.jpg',
    trackingId: 'track-1',
  },
  audio: { type: 'audio', originalContentUrl: 'https://example.com/original.m4a', duration: 60000 },
  location: {
    type: 'location',
    title: 'my location',
    address: '1-3 Kioicho, Chiyoda-ku, Tokyo',
    latitude: 35.67966,
    longitude: 139.73669,
  },
  imagemap: {
    type: 'imagemap',
    baseUrl: 'https://example.com/bot/images/rm001',
    altText: 'This is an imagemap',
    baseSize: { width: 1040, height: 1040 },
    video: {
      originalContentUrl: 'https://example.com/video.mp4',
      previewImageUrl: 'https://example.com/video_preview.jpg',
      area: { x: 0, y: 0, width: 1040, height: 585 },
      externalLink: { linkUri: 'https://example.com/see_more.html', label: 'See More' },
    },
    actions: [
      { type: 'uri', linkUri: 'https://example.com/', area: { x: 0, y: 586, width: 520, height: 454 } },
      { type: 'message', text: 'Hello', area: { x: 520, y: 586, width: 260, height: 454 } },
      {
        type: 'clipboard',
        clipboardText: 'COUPON-1',
        label: 'Copy',
        area: { x: 780, y: 586, width: 260, height: 454 },
      },
    ],
  },
  buttonsTemplate: {
    type: 'template',
    altText: 'This is a buttons template',
    template: {
      type: 'buttons',
      thumbnailImageUrl: 'https://example.com/bot/images/image.jpg',
      imageAspectRatio: 'rectangle',
      imageSize: 'cover',
      imageBackgroundColor: '#FFFFFF',
      title: 'Menu',
      text: 'Please select',
      defaultAction: { type: 'uri', label: 'View detail', uri: 'https://example.com/page/123' },
      actions: [
        { type: 'postback', label: 'Buy', data: 'action=buy&itemid=123' },
        { type: 'message', label: 'Say hi', text: 'hi' },
        {
          type: 'uri',
          label: 'View detail',
          uri: 'https://example.com/page/123',
          altUri: { desktop: 'https://example.com/desktop' },
        },
        { type: 'clipboard', label: 'Copy', clipboardText: 'COUPON-1' },
      ],
    },
  },
  confirmTemplate: {
    type: 'template',
    altText: 'this is a confirm template',
    template: {
      type: 'confirm',
      text: 'Are you sure?',
      actions: [
        { type: 'message', label: 'Yes', text: 'yes' },
        { type: 'message', label: 'No', text: 'no' },
      ],
    },
  },
  carouselTemplate: {
    type: 'template',
    altText: 'this is a carousel template',
    template: {
      type: 'carousel',
      imageAspectRatio: 'square',
      imageSize: 'contain',
      columns: [
        {
          thumbnailImageUrl: 'https://example.com/bot/images/item1.jpg',
          imageBackgroundColor: '#FFFFFF',
          title: 'this is menu',
          text: 'description',
          defaultAction: { type: 'uri', label: 'View detail', uri: 'https://example.com/page/123' },
          actions: [
            { type: 'postback', label: 'Buy', data: 'action=buy&itemid=111' },
            { type: 'datetimepicker', label: 'Date', data: 'd', mode: 'date', initial: '2026-12-25' },
          ],
        },
        {
          text: 'description 2',
          actions: [
            { type: 'message', label: 'Add to cart', text: 'add' },
            { type: 'datetimepicker', label: 'Time', data: 't', mode: 'time', initial: '10:00' },
          ],
        },
      ],
    },
  },
  imageCarouselTemplate: {
    type: 'template',
    altText: 'this is an image carousel template',
    template: {
      type: 'image_carousel',
      columns: [
        {
          imageUrl: 'https://example.com/bot/images/item1.jpg',
          action: { type: 'postback', label: 'Buy', data: 'action=buy&itemid=111' },
        },
        { imageUrl: 'https://example.com/bot/images/item2.jpg', action: { type: 'uri', uri: 'https://example.com/' } },
      ],
    },
  },
  flexBubble: {
    type: 'flex',
    altText: 'This is a Flex Message',
    contents: {
      type: 'bubble',
      size: 'mega',
      direction: 'ltr',
      styles: { footer: { separator: true } },
      hero: {
        type: 'image',
        url: 'https://example.com/hero.png',
        size: 'full',
        aspectRatio: '20:13',
        aspectMode: 'cover',
        action: { type: 'uri', uri: 'https://example.com/' },
      },
      body: {
        type: 'box',
        layout: 'vertical',
        background: { type: 'linearGradient', angle: '90deg', startColor: '#FFFFFF', endColor: '#000000' },
        contents: [
          { type: 'text', text: 'Brown Cafe', weight: 'bold', size: 'xl', wrap: true, maxLines: 2 },
          {
            type: 'text',
            contents: [
              { type: 'span', text: 'Hello, ' },
              { type: 'span', text: 'World', weight: 'bold', color: '#FF0000' },
            ],
          },
          {
            type: 'box',
            layout: 'baseline',
            contents: [
              { type: 'icon', url: 'https://example.com/star.png', size: 'sm' },
              { type: 'text', text: '4.0', flex: 0 },
              { type: 'filler' },
            ],
          },
          { type: 'separator', color: '#CCCCCC' },
        ],
      },
      footer: {
        type: 'box',
        layout: 'horizontal',
        contents: [
          {
            type: 'button',
            style: 'primary',
            height: 'sm',
            action: { type: 'uri', label: 'Website', uri: 'https://example.com' },
          },
        ],
      },
    },
  },
  flexVideoBubble: {
    type: 'flex',
    altText: 'Video',
    contents: {
      type: 'bubble',
      size: 'kilo',
      hero: {
        type: 'video',
        url: 'https://example.com/video.mp4',
        previewUrl: 'https://example.com/preview.png',
        altContent: { type: 'image', url: 'https://example.com/image.png', size: 'full' },
        aspectRatio: '20:13',
      },
    },
  },
  flexCarousel: {
    type: 'flex',
    altText: 'Carousel',
    contents: {
      type: 'carousel',
      contents: [
        { type: 'bubble', body: { type: 'box', layout: 'vertical', contents: [{ type: 'text', text: 'First' }] } },
        { type: 'bubble', body: { type: 'box', layout: 'vertical', contents: [{ type: 'text', text: 'Second' }] } },
      ],
    },
  },
  coupon: { type: 'coupon', couponId: '01JYNW8JMQVFBNWBQXZ6TFYFZJ', deliveryTag: 'campaign-1' },
};

export function sampleMessages(): Record<string, unknown>[] {
  return Object.values(SAMPLE_MESSAGES).map((message) => structuredClone(message));
}

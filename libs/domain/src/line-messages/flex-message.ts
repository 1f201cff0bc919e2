import { validateAction } from './actions';
import {
  checkArray,
  checkBoolean,
  checkColor,
  checkEnum,
  checkHttpsUrl,
  checkNumber,
  checkObject,
  checkString,
  MUST_BE_SPECIFIED,
} from './field-checks';
import { childPath, isJsonObject, JsonObject, ProblemList } from './problems';
import { ALT_TEXT_MAX } from './template-message';

/**
 * Structural checks of Flex Messages: the container and component types, their required
 * properties, URLs and actions, where each component may appear, and the JSON size limits.
 * Layout values (margins, sizes in px/%) are left to LINE; they never make a send fail silently.
 */

export const FLEX_CONTAINER_TYPES = ['bubble', 'carousel'] as const;
export const FLEX_COMPONENT_TYPES = [
  'box',
  'button',
  'image',
  'video',
  'icon',
  'text',
  'span',
  'separator',
  'filler',
] as const;
export const FLEX_CAROUSEL_MAX_BUBBLES = 12;
/** LINE refuses a bubble whose JSON is over 30 KB, and a carousel over 50 KB. */
export const FLEX_BUBBLE_MAX_BYTES = 30 * 1024;
export const FLEX_CAROUSEL_MAX_BYTES = 50 * 1024;

/** Boxes nest; this bound keeps a hostile document from exhausting the stack. */
const MAX_NESTING = 50;

const BOX_LAYOUTS = ['horizontal', 'vertical', 'baseline'] as const;
const POSITIONS = ['relative', 'absolute'] as const;
const GRAVITIES = ['top', 'bottom', 'center'] as const;
const ALIGNS = ['start', 'end', 'center'] as const;

type Slot = 'block' | 'hero' | 'box_child' | 'baseline_child' | 'alt_content';

export function validateFlexMessage(message: JsonObject, path: string, problems: ProblemList): void {
  checkString(message, 'altText', path, problems, { required: true, max: ALT_TEXT_MAX });
  const container = checkObject(message, 'contents', path, problems, true);
  if (!container) return;
  const containerPath = childPath(path, 'contents');
  const type = checkEnum(container, 'type', containerPath, problems, FLEX_CONTAINER_TYPES, true);
  if (type === 'bubble') {
    validateBubble(container, containerPath, problems);
  } else if (type === 'carousel') {
    validateCarousel(container, containerPath, problems);
  }
}

function validateCarousel(carousel: JsonObject, path: string, problems: ProblemList): void {
  const bubbles = checkArray(carousel, 'contents', path, problems, {
    required: true,
    min: 1,
    max: FLEX_CAROUSEL_MAX_BUBBLES,
  });
  bubbles?.forEach((bubble, index) => {
    const bubblePath = childPath(childPath(path, 'contents'), index);
    if (!isJsonObject(bubble)) {
      problems.add(bubblePath, 'must be an object');
      return;
    }
    if (bubble.type !== 'bubble') {
      problems.add(childPath(bubblePath, 'type'), 'must be bubble');
      return;
    }
    validateBubble(bubble, bubblePath, problems);
  });
  if (jsonBytes(carousel) > FLEX_CAROUSEL_MAX_BYTES)
    problems.add(path, `The size of the carousel must be ${FLEX_CAROUSEL_MAX_BYTES / 1024} KB or less`);
}

function validateBubble(bubble: JsonObject, path: string, problems: ProblemList): void {
  checkEnum(bubble, 'size', path, problems, ['nano', 'micro', 'deca', 'hecto', 'kilo', 'mega', 'giga']);
  checkEnum(bubble, 'direction', path, problems, ['ltr', 'rtl']);
  checkObject(bubble, 'styles', path, problems);
  for (const block of ['header', 'body', 'footer']) {
    if (bubble[block] !== undefined) validateComponent(bubble[block], childPath(path, block), 'block', 0, problems);
  }
  if (bubble.hero !== undefined) validateComponent(bubble.hero, childPath(path, 'hero'), 'hero', 0, problems);
  if (bubble.action !== undefined) validateAction(bubble.action, childPath(path, 'action'), 'tap_area', problems);
  if (jsonBytes(bubble) > FLEX_BUBBLE_MAX_BYTES)
    problems.add(path, `The size of the bubble must be ${FLEX_BUBBLE_MAX_BYTES / 1024} KB or less`);
}

/** Which component types each slot accepts (LINE's flex message element rules). */
const ALLOWED_IN_SLOT: Record<Slot, readonly string[]> = {
  block: ['box'],
  hero: ['box', 'image', 'video'],
  box_child: ['box', 'button', 'image', 'text', 'separator', 'filler'],
  baseline_child: ['icon', 'text', 'filler'],
  alt_content: ['box', 'image'],
};

function validateComponent(value: unknown, path: string, slot: Slot, depth: number, problems: ProblemList): void {
  if (!isJsonObject(value)) {
    problems.add(path, value === undefined ? MUST_BE_SPECIFIED : 'must be an object');
    return;
  }
  if (depth > MAX_NESTING) {
    problems.add(path, `components may be nested at most ${MAX_NESTING} levels deep`);
    return;
  }
  const type = checkEnum(value, 'type', path, problems, FLEX_COMPONENT_TYPES, true);
  if (type === undefined) return;
  if (!ALLOWED_IN_SLOT[slot].includes(type)) {
    problems.add(childPath(path, 'type'), `${type} cannot be used here; allowed: ${ALLOWED_IN_SLOT[slot].join(', ')}`);
    return;
  }
  switch (type) {
    case 'box':
      validateBox(value, path, depth, problems);
      break;
    case 'button':
      validateAction(value.action, childPath(path, 'action'), 'flex_button', problems);
      checkEnum(value, 'style', path, problems, ['primary', 'secondary', 'link']);
      checkEnum(value, 'height', path, problems, ['sm', 'md']);
      checkEnum(value, 'gravity', path, problems, GRAVITIES);
      checkEnum(value, 'position', path, problems, POSITIONS);
      checkColor(value, 'color', path, problems);
      break;
    case 'image':
      checkHttpsUrl(value, 'url', path, problems, { required: true });
      checkEnum(value, 'aspectMode', path, problems, ['fit', 'cover']);
      checkEnum(value, 'align', path, problems, ALIGNS);
      checkEnum(value, 'gravity', path, problems, GRAVITIES);
      checkEnum(value, 'position', path, problems, POSITIONS);
      checkAspectRatio(value, path, problems);
      checkColor(value, 'backgroundColor', path, problems);
      checkBoolean(value, 'animated', path, problems);
      validateTapAction(value, path, problems);
      break;
    case 'video':
      checkHttpsUrl(value, 'url', path, problems, { required: true });
      checkHttpsUrl(value, 'previewUrl', path, problems, { required: true });
      validateComponent(value.altContent, childPath(path, 'altContent'), 'alt_content', depth + 1, problems);
      checkAspectRatio(value, path, problems);
      validateTapAction(value, path, problems);
      break;
    case 'icon':
      checkHttpsUrl(value, 'url', path, problems, { required: true });
      checkAspectRatio(value, path, problems);
      checkEnum(value, 'position', path, problems, POSITIONS);
      break;
    case 'text':
      validateText(value, path, problems);
      break;
    case 'separator':
      checkColor(value, 'color', path, problems);
      break;
    default:
      break; // filler: flex only; span handled inside text
  }
}

function validateBox(box: JsonObject, path: string, depth: number, problems: ProblemList): void {
  const layout = checkEnum(box, 'layout', path, problems, BOX_LAYOUTS, true);
  const contents = checkArray(box, 'contents', path, problems, { required: true });
  const childSlot: Slot = layout === 'baseline' ? 'baseline_child' : 'box_child';
  contents?.forEach((child, index) =>
    validateComponent(child, childPath(childPath(path, 'contents'), index), childSlot, depth + 1, problems),
  );
  checkEnum(box, 'position', path, problems, POSITIONS);
  checkEnum(box, 'justifyContent', path, problems, [
    'center',
    'flex-start',
    'flex-end',
    'space-between',
    'space-around',
    'space-evenly',
  ]);
  checkEnum(box, 'alignItems', path, problems, ['center', 'flex-start', 'flex-end']);
  checkColor(box, 'backgroundColor', path, problems);
  checkColor(box, 'borderColor', path, problems);
  const background = checkObject(box, 'background', path, problems);
  if (background) {
    const backgroundPath = childPath(path, 'background');
    checkEnum(background, 'type', backgroundPath, problems, ['linearGradient'], true);
    checkString(background, 'angle', backgroundPath, problems, { required: true });
    checkColor(background, 'startColor', backgroundPath, problems);
    checkColor(background, 'endColor', backgroundPath, problems);
    checkColor(background, 'centerColor', backgroundPath, problems);
  }
  validateTapAction(box, path, problems);
}

function validateText(text: JsonObject, path: string, problems: ProblemList): void {
  const spans = checkArray(text, 'contents', path, problems);
  // `text` may be left out only when spans supply the content.
  checkString(text, 'text', path, problems, { required: !spans || spans.length === 0, min: 0 });
  spans?.forEach((span, index) => {
    const spanPath = childPath(childPath(path, 'contents'), index);
    if (!isJsonObject(span)) {
      problems.add(spanPath, 'must be an object');
      return;
    }
    if (span.type !== 'span') {
      problems.add(childPath(spanPath, 'type'), 'must be span');
      return;
    }
    checkString(span, 'text', spanPath, problems, { required: true, min: 0 });
    checkColor(span, 'color', spanPath, problems);
    checkEnum(span, 'weight', spanPath, problems, ['regular', 'bold']);
    checkEnum(span, 'style', spanPath, problems, ['normal', 'italic']);
    checkEnum(span, 'decoration', spanPath, problems, ['none', 'underline', 'line-through']);
  });
  checkEnum(text, 'align', path, problems, ALIGNS);
  checkEnum(text, 'gravity', path, problems, GRAVITIES);
  checkEnum(text, 'weight', path, problems, ['regular', 'bold']);
  checkEnum(text, 'style', path, problems, ['normal', 'italic']);
  checkEnum(text, 'decoration', path, problems, ['none', 'underline', 'line-through']);
  checkEnum(text, 'position', path, problems, POSITIONS);
  checkColor(text, 'color', path, problems);
  checkNumber(text, 'maxLines', path, problems, { integer: true, min: 0 });
  checkBoolean(text, 'wrap', path, problems);
  validateTapAction(text, path, problems);
}

function validateTapAction(component: JsonObject, path: string, problems: ProblemList): void {
  if (component.action !== undefined) validateAction(component.action, childPath(path, 'action'), 'tap_area', problems);
}

/** `{width}:{height}`, each 1 to 100000, height at most three times the width. */
function checkAspectRatio(component: JsonObject, path: string, problems: ProblemList): void {
  const value = checkString(component, 'aspectRatio', path, problems);
  if (value === undefined) return;
  const match = /^(\d+(?:\.\d+)?):(\d+(?:\.\d+)?)$/.exec(value);
  const width = match ? Number(match[1]) : NaN;
  const height = match ? Number(match[2]) : NaN;
  if (!(width >= 1 && width <= 100000 && height >= 1 && height <= 100000 && height <= width * 3)) {
    problems.add(
      childPath(path, 'aspectRatio'),
      'must be {width}:{height}, each 1 to 100000, height at most 3 times width',
    );
  }
}

const utf8 = new TextEncoder();

/**
 * UTF-8 size of `value` as JSON, computed without JSON.stringify's unbounded recursion. Deeper
 * documents than the nesting limit (already reported) measure NaN, so no size problem is added.
 */
function jsonBytes(value: unknown, depth = 0): number {
  if (depth > MAX_NESTING * 4) return NaN;
  if (Array.isArray(value)) {
    let size = 2 + Math.max(0, value.length - 1);
    for (const item of value) size += jsonBytes(item ?? null, depth + 1);
    return size;
  }
  if (isJsonObject(value)) {
    const entries = Object.entries(value).filter(([, item]) => item !== undefined);
    let size = 2 + Math.max(0, entries.length - 1);
    for (const [key, item] of entries) size += utf8.encode(JSON.stringify(key)).length + 1 + jsonBytes(item, depth + 1);
    return size;
  }
  return utf8.encode(JSON.stringify(value) ?? 'null').length;
}

import { checkEnum, checkLinkUri, checkObject, checkString, MUST_BE_SPECIFIED } from './field-checks';
import { childPath, isJsonObject, JsonObject, ProblemList } from './problems';

/**
 * Where an action object sits decides which action types it may be and how long its label may be
 * (LINE's action-object reference).
 */
export type ActionPlace =
  | 'template' // buttons/confirm/carousel actions: label required, ≤ 20
  | 'image_carousel' // image carousel column action: label optional, ≤ 12
  | 'quick_reply' // quick reply button: label required, ≤ 20; camera/cameraRoll/location allowed
  | 'flex_button' // flex button component: label required, ≤ 40
  | 'tap_area'; // defaultAction and flex box/image/text actions: label optional, ≤ 20

interface LabelRule {
  required: boolean;
  max: number;
}

const LABEL_RULES: Record<ActionPlace, LabelRule> = {
  template: { required: true, max: 20 },
  image_carousel: { required: false, max: 12 },
  quick_reply: { required: true, max: 20 },
  flex_button: { required: true, max: 40 },
  tap_area: { required: false, max: 20 },
};

export const ACTION_TYPES = [
  'postback',
  'message',
  'uri',
  'datetimepicker',
  'camera',
  'cameraRoll',
  'location',
  'clipboard',
  'richmenuswitch',
] as const;

/** Actions that open the device's camera, camera roll or location picker exist only on quick reply buttons. */
const QUICK_REPLY_ONLY = new Set(['camera', 'cameraRoll', 'location']);

const DATETIME_FORMATS: Record<string, RegExp> = {
  date: /^\d{4}-\d{2}-\d{2}$/,
  time: /^\d{2}:\d{2}$/,
  datetime: /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}$/,
};

export function validateAction(value: unknown, path: string, place: ActionPlace, problems: ProblemList): void {
  if (value === undefined || value === null) {
    problems.add(path, MUST_BE_SPECIFIED);
    return;
  }
  if (!isJsonObject(value)) {
    problems.add(path, 'must be an object');
    return;
  }
  const action: JsonObject = value;
  const type = checkEnum(action, 'type', path, problems, ACTION_TYPES, true);
  if (type === undefined) return;

  const label = LABEL_RULES[place];
  checkString(action, 'label', path, problems, { required: label.required, max: label.max });

  if (QUICK_REPLY_ONLY.has(type) && place !== 'quick_reply') {
    problems.add(childPath(path, 'type'), `${type} action can only be used in quick reply buttons`);
    return;
  }
  if (type === 'richmenuswitch') {
    // Rich menu switch actions belong to rich menus, which are not messages.
    problems.add(childPath(path, 'type'), 'richmenuswitch action can only be used in rich menus');
    return;
  }

  switch (type) {
    case 'postback':
      validatePostback(action, path, place, problems);
      break;
    case 'message':
      checkString(action, 'text', path, problems, { required: true, max: 300 });
      break;
    case 'uri': {
      checkLinkUri(action, 'uri', path, problems, { required: true });
      const altUri = checkObject(action, 'altUri', path, problems);
      if (altUri) checkLinkUri(altUri, 'desktop', childPath(path, 'altUri'), problems, { required: true });
      break;
    }
    case 'datetimepicker':
      validateDatetimePicker(action, path, problems);
      break;
    case 'clipboard':
      checkString(action, 'clipboardText', path, problems, { required: true, max: 1000 });
      break;
    default:
      break; // camera, cameraRoll, location: nothing but type and label
  }
}

function validatePostback(action: JsonObject, path: string, place: ActionPlace, problems: ProblemList): void {
  checkString(action, 'data', path, problems, { required: true, min: 0, max: 300 });
  const displayText = checkString(action, 'displayText', path, problems, { max: 300 });
  const text = checkString(action, 'text', path, problems, { max: 300 });
  if (displayText !== undefined && text !== undefined) {
    problems.add(childPath(path, 'text'), 'displayText and text cannot both be specified');
  }
  if (place === 'quick_reply' && action.displayText === undefined && action.text === undefined) {
    problems.add(childPath(path, 'displayText'), MUST_BE_SPECIFIED);
  }
  checkEnum(action, 'inputOption', path, problems, ['closeRichMenu', 'openRichMenu', 'openKeyboard', 'openVoice']);
  checkString(action, 'fillInText', path, problems, { max: 300 });
}

function validateDatetimePicker(action: JsonObject, path: string, problems: ProblemList): void {
  checkString(action, 'data', path, problems, { required: true, min: 0, max: 300 });
  const mode = checkEnum(action, 'mode', path, problems, ['date', 'time', 'datetime'], true);
  if (mode === undefined) return;
  for (const key of ['initial', 'max', 'min']) {
    const value = checkString(action, key, path, problems);
    if (value !== undefined && !DATETIME_FORMATS[mode].test(value)) {
      problems.add(childPath(path, key), `must match the ${mode} format`);
    }
  }
}

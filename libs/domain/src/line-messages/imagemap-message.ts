import {
  checkArray,
  checkEnum,
  checkHttpsUrl,
  checkLinkUri,
  checkNumber,
  checkObject,
  checkString,
} from './field-checks';
import { childPath, isJsonObject, JsonObject, ProblemList } from './problems';
import { ALT_TEXT_MAX } from './template-message';

export const IMAGEMAP_ACTION_TYPES = ['uri', 'message', 'clipboard'] as const;

/** LINE scales imagemaps from a base width of 1040 px; areas are given in that coordinate space. */
export const IMAGEMAP_BASE_WIDTH = 1040;

export function validateImagemapMessage(message: JsonObject, path: string, problems: ProblemList): void {
  checkHttpsUrl(message, 'baseUrl', path, problems, { required: true });
  checkString(message, 'altText', path, problems, { required: true, max: ALT_TEXT_MAX });

  const baseSize = checkObject(message, 'baseSize', path, problems, true);
  if (baseSize) {
    const sizePath = childPath(path, 'baseSize');
    const width = checkNumber(baseSize, 'width', sizePath, problems, { required: true, integer: true });
    if (width !== undefined && width !== IMAGEMAP_BASE_WIDTH)
      problems.add(childPath(sizePath, 'width'), `must be ${IMAGEMAP_BASE_WIDTH}`);
    checkNumber(baseSize, 'height', sizePath, problems, { required: true, integer: true, min: 1 });
  }

  const actions = checkArray(message, 'actions', path, problems, { required: true, max: 50 });
  actions?.forEach((action, index) =>
    validateImagemapAction(action, childPath(childPath(path, 'actions'), index), problems),
  );

  const video = checkObject(message, 'video', path, problems);
  if (video) {
    const videoPath = childPath(path, 'video');
    checkHttpsUrl(video, 'originalContentUrl', videoPath, problems, { required: true });
    checkHttpsUrl(video, 'previewImageUrl', videoPath, problems, { required: true });
    validateArea(video.area, childPath(videoPath, 'area'), problems);
    const link = checkObject(video, 'externalLink', videoPath, problems);
    if (link) {
      const linkPath = childPath(videoPath, 'externalLink');
      checkLinkUri(link, 'linkUri', linkPath, problems, { required: true });
      checkString(link, 'label', linkPath, problems, { required: true, max: 30 });
    }
  }
}

function validateImagemapAction(value: unknown, path: string, problems: ProblemList): void {
  if (!isJsonObject(value)) {
    problems.add(path, 'must be an object');
    return;
  }
  const type = checkEnum(value, 'type', path, problems, IMAGEMAP_ACTION_TYPES, true);
  checkString(value, 'label', path, problems, { max: 50 });
  validateArea(value.area, childPath(path, 'area'), problems);
  if (type === 'uri') checkLinkUri(value, 'linkUri', path, problems, { required: true });
  if (type === 'message') checkString(value, 'text', path, problems, { required: true, max: 400 });
  if (type === 'clipboard') checkString(value, 'clipboardText', path, problems, { required: true, max: 1000 });
}

function validateArea(value: unknown, path: string, problems: ProblemList): void {
  if (!isJsonObject(value)) {
    problems.add(path, value === undefined ? 'must be specified' : 'must be an object');
    return;
  }
  checkNumber(value, 'x', path, problems, { required: true, integer: true, min: 0 });
  checkNumber(value, 'y', path, problems, { required: true, integer: true, min: 0 });
  checkNumber(value, 'width', path, problems, { required: true, integer: true, min: 1 });
  checkNumber(value, 'height', path, problems, { required: true, integer: true, min: 1 });
}

import { validateAction } from './actions';
import { checkArray, checkColor, checkEnum, checkHttpsUrl, checkObject, checkString } from './field-checks';
import { childPath, isJsonObject, JsonObject, ProblemList } from './problems';

export const TEMPLATE_TYPES = ['buttons', 'confirm', 'carousel', 'image_carousel'] as const;
export const ALT_TEXT_MAX = 400;

const ASPECT_RATIOS = ['rectangle', 'square'] as const;
const IMAGE_SIZES = ['cover', 'contain'] as const;

/** Template message: `{type: "template", altText, template: {type: buttons|confirm|carousel|image_carousel, ...}}`. */
export function validateTemplateMessage(message: JsonObject, path: string, problems: ProblemList): void {
  checkString(message, 'altText', path, problems, { required: true, max: ALT_TEXT_MAX });
  const template = checkObject(message, 'template', path, problems, true);
  if (!template) return;
  const templatePath = childPath(path, 'template');
  const type = checkEnum(template, 'type', templatePath, problems, TEMPLATE_TYPES, true);
  switch (type) {
    case 'buttons':
      validateButtons(template, templatePath, problems);
      break;
    case 'confirm':
      validateConfirm(template, templatePath, problems);
      break;
    case 'carousel':
      validateCarousel(template, templatePath, problems);
      break;
    case 'image_carousel':
      validateImageCarousel(template, templatePath, problems);
      break;
    default:
      break;
  }
}

function validateActions(
  owner: JsonObject,
  path: string,
  problems: ProblemList,
  size: { min: number; max: number },
): unknown[] | undefined {
  const actions = checkArray(owner, 'actions', path, problems, { required: true, ...size });
  actions?.forEach((action, index) =>
    validateAction(action, childPath(childPath(path, 'actions'), index), 'template', problems),
  );
  return actions;
}

/** Text gets less room when the card also shows an image or a title. */
function textLimit(owner: JsonObject, withoutImageOrTitle: number): number {
  return owner.thumbnailImageUrl !== undefined || owner.title !== undefined ? 60 : withoutImageOrTitle;
}

function validateButtons(template: JsonObject, path: string, problems: ProblemList): void {
  checkHttpsUrl(template, 'thumbnailImageUrl', path, problems);
  checkEnum(template, 'imageAspectRatio', path, problems, ASPECT_RATIOS);
  checkEnum(template, 'imageSize', path, problems, IMAGE_SIZES);
  checkColor(template, 'imageBackgroundColor', path, problems);
  checkString(template, 'title', path, problems, { max: 40 });
  checkString(template, 'text', path, problems, { required: true, max: textLimit(template, 160) });
  if (template.defaultAction !== undefined)
    validateAction(template.defaultAction, childPath(path, 'defaultAction'), 'tap_area', problems);
  validateActions(template, path, problems, { min: 1, max: 4 });
}

function validateConfirm(template: JsonObject, path: string, problems: ProblemList): void {
  checkString(template, 'text', path, problems, { required: true, max: 240 });
  validateActions(template, path, problems, { min: 2, max: 2 });
}

function validateCarousel(template: JsonObject, path: string, problems: ProblemList): void {
  checkEnum(template, 'imageAspectRatio', path, problems, ASPECT_RATIOS);
  checkEnum(template, 'imageSize', path, problems, IMAGE_SIZES);
  const columns = checkArray(template, 'columns', path, problems, { required: true, min: 1, max: 10 });
  if (!columns) return;
  const actionCounts = new Set<number>();
  columns.forEach((column, index) => {
    const columnPath = childPath(childPath(path, 'columns'), index);
    if (!isJsonObject(column)) {
      problems.add(columnPath, 'must be an object');
      return;
    }
    checkHttpsUrl(column, 'thumbnailImageUrl', columnPath, problems);
    checkColor(column, 'imageBackgroundColor', columnPath, problems);
    checkString(column, 'title', columnPath, problems, { max: 40 });
    checkString(column, 'text', columnPath, problems, { required: true, max: textLimit(column, 120) });
    if (column.defaultAction !== undefined)
      validateAction(column.defaultAction, childPath(columnPath, 'defaultAction'), 'tap_area', problems);
    const actions = validateActions(column, columnPath, problems, { min: 1, max: 3 });
    if (actions) actionCounts.add(actions.length);
  });
  if (actionCounts.size > 1)
    problems.add(childPath(path, 'columns'), 'all columns must have the same number of actions');
}

function validateImageCarousel(template: JsonObject, path: string, problems: ProblemList): void {
  const columns = checkArray(template, 'columns', path, problems, { required: true, min: 1, max: 10 });
  columns?.forEach((column, index) => {
    const columnPath = childPath(childPath(path, 'columns'), index);
    if (!isJsonObject(column)) {
      problems.add(columnPath, 'must be an object');
      return;
    }
    checkHttpsUrl(column, 'imageUrl', columnPath, problems, { required: true });
    validateAction(column.action, childPath(columnPath, 'action'), 'image_carousel', problems);
  });
}

import fs from 'node:fs';
import path from 'node:path';
import { Metric } from 'prom-client';
import type { Dashboard as GrafanaDashboard } from '@grafana/schema';
import { Metrics } from './metrics';
import dashboardJson from '../../../../ops/grafana-dashboard.json';

/**
 * Grafana's own dashboard model (@grafana/schema, the types Grafana generates from its schema),
 * checked by `npm run typecheck`: a misspelt or mistyped field (a width as a string, a panel list
 * that isn't one) fails the build. JSON's strings are widened, so the literal unions (panel and
 * variable types) are checked at run time below.
 */
type Widened<T> = T extends string
  ? string
  : T extends (infer E)[]
    ? Widened<E>[]
    : T extends object
      ? { [K in keyof T]: Widened<T[K]> }
      : T;
export const dashboardModel: Widened<GrafanaDashboard> = dashboardJson;

/**
 * ops/grafana-dashboard.json, checked without a Grafana: the dashboard model Grafana imports
 * (schemaVersion, panels with a grid position, a datasource and targets), and every metric and
 * label its PromQL names exists in the service's registry, so a renamed metric can't leave a
 * panel silently empty.
 */
const DASHBOARD = path.join(__dirname, '../../../../ops/grafana-dashboard.json');

interface Target {
  refId?: unknown;
  expr?: unknown;
  datasource?: unknown;
}
interface Panel {
  id?: unknown;
  type?: unknown;
  title?: unknown;
  gridPos?: { x?: unknown; y?: unknown; w?: unknown; h?: unknown };
  datasource?: { type?: unknown; uid?: unknown };
  targets?: Target[];
  panels?: Panel[];
}
interface Dashboard {
  title?: unknown;
  uid?: unknown;
  schemaVersion?: unknown;
  panels?: Panel[];
  time?: { from?: unknown; to?: unknown };
  templating?: { list?: { name?: unknown; type?: unknown; query?: unknown; datasource?: Panel['datasource'] }[] };
}

const PROMQL_WORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'and',
  'or',
  'unless',
  'offset',
  'inf',
  'nan',
]);

/** Aggregation operators: `sum by (x) (…)` puts the grouping between the name and its `(`. */
const AGGREGATIONS = new Set([
  'sum',
  'avg',
  'min',
  'max',
  'count',
  'group',
  'stddev',
  'stdvar',
  'topk',
  'bottomk',
  'quantile',
  'count_values',
]);

/**
 * The selectors of a PromQL expression: each metric name with the label names it matches on, and
 * the label names of its `by (…)`/`without (…)` clauses. A small tokenizer, enough for dashboards:
 * strings and durations are skipped, a name followed by `(` is a function, not a metric.
 */
export function promqlNames(expr: string): { metrics: { name: string; labels: string[] }[]; grouping: string[] } {
  const metrics: { name: string; labels: string[] }[] = [];
  const grouping: string[] = [];
  let i = 0;
  const skipSpace = () => {
    while (i < expr.length && /\s/.test(expr[i])) i++;
  };
  const labelList = (close: string): string[] => {
    const names: string[] = [];
    while (i < expr.length && expr[i] !== close) {
      const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(expr.slice(i));
      if (word) {
        names.push(word[0]);
        i += word[0].length;
        skipSpace();
        const op = /^(=~|!~|!=|=)/.exec(expr.slice(i));
        if (op) {
          i += op[0].length;
          skipSpace();
          const quote = expr[i];
          i++;
          while (i < expr.length && expr[i] !== quote) i += expr[i] === '\\' ? 2 : 1;
          i++;
        }
      } else i++;
    }
    i++;
    return names;
  };
  while (i < expr.length) {
    const rest = expr.slice(i);
    const char = expr[i];
    if (char === '"' || char === "'") {
      i++;
      while (i < expr.length && expr[i] !== char) i += expr[i] === '\\' ? 2 : 1;
      i++;
    } else if (char === '[') {
      i = expr.indexOf(']', i) + 1; // a range or subquery duration
    } else if (char === '{') {
      i++;
      metrics.push({ name: '', labels: labelList('}') }); // a selector without a metric name
    } else if (/^[0-9.]/.test(char)) {
      i += /^[0-9.e+]+[a-z]*/i.exec(rest)![0].length; // a number (1e9) or a duration
    } else if (/[A-Za-z_:]/.test(char)) {
      const word = /^[A-Za-z_:][A-Za-z0-9_:]*/.exec(rest)![0];
      i += word.length;
      skipSpace();
      if (PROMQL_WORDS.has(word.toLowerCase())) {
        if (['by', 'without', 'on', 'ignoring', 'group_left', 'group_right'].includes(word) && expr[i] === '(') {
          i++;
          grouping.push(...labelList(')'));
        }
      } else if (expr[i] === '(' || AGGREGATIONS.has(word)) {
        // a function or aggregation: its grouping and arguments are read on
      } else if (expr[i] === '{') {
        i++;
        metrics.push({ name: word, labels: labelList('}') });
      } else metrics.push({ name: word, labels: [] });
    } else i++;
  }
  return { metrics, grouping };
}

/** The series a metric exposes (a histogram's _bucket, _sum and _count) and the labels each carries. */
function exposedSeries(metrics: Metrics): Map<string, Set<string>> {
  const series = new Map<string, Set<string>>();
  for (const metric of metrics.registry.getMetricsAsArray() as unknown as (Metric & {
    name: string;
    labelNames?: string[];
  })[]) {
    const labels = new Set(metric.labelNames ?? []);
    const type = (metric as unknown as { constructor: { name: string } }).constructor.name;
    if (type === 'Histogram') {
      series.set(`${metric.name}_bucket`, new Set([...labels, 'le']));
      series.set(`${metric.name}_sum`, labels);
      series.set(`${metric.name}_count`, labels);
    } else if (type === 'Summary') {
      series.set(metric.name, new Set([...labels, 'quantile']));
      series.set(`${metric.name}_sum`, labels);
      series.set(`${metric.name}_count`, labels);
    } else series.set(metric.name, labels);
  }
  return series;
}

function allPanels(panels: Panel[]): Panel[] {
  return panels.flatMap((panel) => [panel, ...allPanels(panel.panels ?? [])]);
}

describe('ops/grafana-dashboard.json', () => {
  const dashboard = JSON.parse(fs.readFileSync(DASHBOARD, 'utf8')) as Dashboard;
  const metrics = new Metrics();
  const series = exposedSeries(metrics);
  const panels = allPanels(dashboard.panels ?? []);

  it("is a dashboard in Grafana's model: title, uid, schemaVersion, time range, templating", () => {
    expect(typeof dashboard.title).toBe('string');
    expect(dashboard.uid).toMatch(/^[A-Za-z0-9_-]{1,40}$/); // Grafana's uid limit
    expect(Number.isInteger(dashboard.schemaVersion)).toBe(true);
    // 27 added the datasource-as-object form the panels use; 39 is Grafana 10.x's.
    expect(dashboard.schemaVersion as number).toBeGreaterThanOrEqual(27);
    expect(dashboard.time).toEqual({ from: expect.any(String), to: expect.any(String) });
    for (const variable of dashboard.templating?.list ?? []) {
      expect(typeof variable.name).toBe('string');
      expect(['query', 'datasource', 'custom', 'constant', 'interval', 'textbox', 'adhoc']).toContain(variable.type);
    }
    expect(Array.isArray(dashboard.panels)).toBe(true);
    expect(panels.length).toBeGreaterThan(0);
  });

  it('every panel has a unique id, a type, a title, a place on the 24-column grid, a datasource and targets', () => {
    const variables = new Set((dashboard.templating?.list ?? []).map((v) => v.name));
    const ids = panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of panels) {
      const where = `panel ${String(panel.title)}`;
      expect({ where, id: Number.isInteger(panel.id) }).toEqual({ where, id: true });
      expect(typeof panel.type).toBe('string');
      expect(typeof panel.title).toBe('string');
      if (panel.type === 'row') continue;
      const { x, y, w, h } = panel.gridPos ?? {};
      expect({ where, grid: [x, y, w, h].every(Number.isInteger) }).toEqual({ where, grid: true });
      expect((x as number) + (w as number)).toBeLessThanOrEqual(24);
      expect({ where, datasource: panel.datasource?.type }).toEqual({ where, datasource: 'prometheus' });
      // The uid is the dashboard's datasource variable (picked on import) or a fixed uid.
      const uid = String(panel.datasource?.uid);
      const variable = /^\$\{?(\w+)\}?$/.exec(uid)?.[1];
      if (variable) expect({ where, variable: variables.has(variable) }).toEqual({ where, variable: true });
      expect({ where, targets: (panel.targets ?? []).length > 0 }).toEqual({ where, targets: true });
      const refIds = (panel.targets ?? []).map((target) => target.refId);
      expect(new Set(refIds).size).toBe(refIds.length);
      for (const target of panel.targets ?? []) {
        expect(typeof target.refId).toBe('string');
        expect(typeof target.expr).toBe('string');
      }
    }
  });

  const expressions = (): { where: string; expr: string }[] => [
    ...panels.flatMap((panel) =>
      (panel.targets ?? []).map((target) => ({ where: `panel ${String(panel.title)}`, expr: String(target.expr) })),
    ),
    ...(dashboard.templating?.list ?? [])
      .filter((variable) => variable.type === 'query')
      .map((variable) => {
        // label_values(metric, label) names a metric and one of its labels.
        const query = String(variable.query);
        const labelValues = /^label_values\(\s*([^,]+),\s*(\w+)\s*\)$/.exec(query);
        return {
          where: `variable ${String(variable.name)}`,
          expr: labelValues ? `sum by (${labelValues[2]}) (${labelValues[1]})` : query,
        };
      }),
  ];

  it('every metric its expressions name is one the service exposes, with the labels they match and group by', () => {
    const problems: string[] = [];
    let named = 0;
    for (const { where, expr } of expressions()) {
      const { metrics: selectors, grouping } = promqlNames(expr);
      const labelsOfExpr = new Set<string>();
      for (const { name, labels } of selectors) {
        if (!name) {
          problems.push(`${where}: a selector without a metric name in ${expr}`);
          continue;
        }
        named++;
        const exposed = series.get(name);
        if (!exposed) {
          problems.push(`${where}: ${name} is not a metric of the service`);
          continue;
        }
        for (const label of labels) if (!exposed.has(label)) problems.push(`${where}: ${name} has no label ${label}`);
        for (const label of exposed) labelsOfExpr.add(label);
      }
      for (const label of grouping)
        if (!labelsOfExpr.has(label)) problems.push(`${where}: no metric of ${expr} has the label ${label}`);
    }
    expect(problems).toEqual([]);
    expect(named).toBeGreaterThanOrEqual(panels.length);
  });

  it('the expression reader finds names, labels and groupings, and skips functions, strings and durations', () => {
    expect(
      promqlNames('histogram_quantile(0.99, sum by (le, route) (rate(lcm_http_request_duration_seconds_bucket[5m])))'),
    ).toEqual({
      metrics: [{ name: 'lcm_http_request_duration_seconds_bucket', labels: [] }],
      grouping: ['le', 'route'],
    });
    expect(promqlNames('lcm_month_messages{account=~"$account", kind!="x"} / 1e9 and on (pool) up')).toEqual({
      metrics: [
        { name: 'lcm_month_messages', labels: ['account', 'kind'] },
        { name: 'up', labels: [] },
      ],
      grouping: ['pool'],
    });
    // A misspelt metric is caught.
    expect(series.has('lcm_http_request_duration_seconds_bucket')).toBe(true);
    expect(series.has('lcm_http_requests_duration_seconds_bucket')).toBe(false);
  });
});

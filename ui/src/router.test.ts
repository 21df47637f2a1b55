import { describe, expect, it } from 'vitest';
import { formatRoute, formatSort, parseRoute, parseSort, viewRoute, withParams, type Route } from './router.js';

function roundTrip(route: Route): Route {
  const url = new URL(formatRoute(route), 'http://127.0.0.1');
  return parseRoute(url.pathname, url.search);
}

describe('router', () => {
  it.each<Route>([
    { view: 'overview', params: {} },
    { view: 'overview', params: { identity: 'abc123', run: '42', since: '40', span: '90d' } },
    { view: 'concerns', params: { run: 'latest', q: 'jupyter server', sort: '-score', page: '3' } },
    { view: 'package', params: { purl: 'pkg:npm/%40jupyterlab/application@4.2.0' } },
    { view: 'package', params: { purl: 'pkg:pypi/a+b@1.0?x=1&y=2#frag' } },
    { view: 'graph', params: { ecosystem: 'PyPI', vulnerable: '1', rank: '25', focus: 'pkg:pypi/notebook@7.2.0', colour: 'severity' } },
    { view: 'vulnerabilities', params: { severity: 'high', q: 'ünïcødé “quotes” & = ; /' } },
    { view: 'posture', params: { org: 'jupyter', archived: 'hide', inactive: 'only', check: 'pinned-actions', outcome: 'not-available', 'added-q': 'x', 'added-sort': 'name' } },
    { view: 'disclosure', params: { clock: 'due-soon', state: 'triage' } },
    { view: 'history', params: { from: '1', to: '3', 'runs-page': '2' } },
  ])('keeps $view %# through the URL', (route) => {
    expect(roundTrip(route)).toEqual(route);
  });

  it('writes one canonical URL: overview at /, parameters in name order, package URLs readable', () => {
    expect(formatRoute({ view: 'overview', params: {} })).toBe('/');
    expect(formatRoute({ view: 'package', params: { run: '3', purl: 'pkg:pypi/notebook@7.0.0' } })).toBe('/package?purl=pkg:pypi/notebook@7.0.0&run=3');
    expect(formatRoute({ view: 'concerns', params: { q: 'a&b=c d' } })).toBe('/concerns?q=a%26b%3Dc%20d');
  });

  it('drops what it does not know or cannot accept, instead of failing', () => {
    const route = parseRoute('/graph/extra', '?run=abc&rank=0&vulnerable=yes&severity=bad&span=2w&unknown=1&page=1&q=&sort=;drop&from=-1&since=7');
    expect(route).toEqual({ view: 'graph', params: { since: '7' } });
    expect(parseRoute('/no-such-view', '').view).toBe('overview');
    expect(parseRoute('/', '?run=1&run=2').params.run).toBe('1');
  });

  it('sets and removes parameters; links to another view keep the profile and run only', () => {
    const from: Route = { view: 'posture', params: { identity: 'id', run: '3', org: 'jupyter', q: 'x' } };
    expect(withParams(from, { org: null, q: '', check: 'pinned-actions', rank: 'nope' }).params).toEqual({ identity: 'id', run: '3', check: 'pinned-actions' });
    expect(viewRoute(from, 'package', { purl: 'pkg:npm/a@1' })).toEqual({ view: 'package', params: { identity: 'id', run: '3', purl: 'pkg:npm/a@1' } });
  });

  it('reads and writes sort orders', () => {
    expect(parseSort('-score')).toEqual({ key: 'score', descending: true });
    expect(parseSort('name')).toEqual({ key: 'name', descending: false });
    expect(parseSort(undefined)).toBeNull();
    expect(formatSort({ key: 'factor.stale', descending: true })).toBe('-factor.stale');
  });
});

import { describe, expect, it } from 'vitest';
import { decodeHtmlEntities, parseSimpleHtml } from './simple-html.js';

const PAGE_URL = 'https://mirror.pypi.test/simple/demo/';

/** One anchor's file record, with the page around it. */
function only(anchor: string, head = ''): ReturnType<typeof parseSimpleHtml>['files'][number] {
  const page = parseSimpleHtml(`<!DOCTYPE html><html><head>${head}</head><body>${anchor}<br/></body></html>`, PAGE_URL);
  expect(page.files).toHaveLength(1);
  return page.files[0]!;
}

describe('decodeHtmlEntities', () => {
  it.each([
    ['&gt;=3.8', '>=3.8'],
    ['&lt;4,&gt;=3', '<4,>=3'],
    ['a &amp; b', 'a & b'],
    ['&quot;x&quot; &#39;y&#x27;', '"x" \'y\''],
    ['&GT;', '>'],
    ['&unknown; stays', '&unknown; stays'],
    ['&#0; stays', '&#0; stays'],
  ])('%j → %j', (input, expected) => {
    expect(decodeHtmlEntities(input)).toBe(expected);
  });
});

describe('parseSimpleHtml: one anchor', () => {
  it.each([
    [
      'hash fragment, requires-python (escaped)',
      '<a href="https://files.pypi.test/p/demo-1.0.tar.gz#sha256=ABCDEF01" data-requires-python="&gt;=3.8">demo-1.0.tar.gz</a>',
      { filename: 'demo-1.0.tar.gz', url: 'https://files.pypi.test/p/demo-1.0.tar.gz', hashes: { sha256: 'ABCDEF01' }, 'requires-python': '>=3.8', yanked: false },
    ],
    [
      'relative href, yanked with a reason',
      '<a href="../../packages/demo-1.0-py3-none-any.whl#md5=0a1b" data-yanked="broken build">demo-1.0-py3-none-any.whl</a>',
      { url: 'https://mirror.pypi.test/packages/demo-1.0-py3-none-any.whl', hashes: { md5: '0a1b' }, yanked: 'broken build', 'requires-python': null },
    ],
    ['yanked without a reason', '<a href="demo-1.0.zip" data-yanked>demo-1.0.zip</a>', { url: 'https://mirror.pypi.test/simple/demo/demo-1.0.zip', yanked: true }],
    ['yanked with an empty reason', '<a href="demo-1.0.zip" data-yanked="">demo-1.0.zip</a>', { yanked: true }],
    ['PEP 714 core metadata with a hash', '<a href="d-1.0-py3-none-any.whl" data-core-metadata="sha256=beef">x</a>', { 'core-metadata': { sha256: 'beef' }, 'dist-info-metadata': undefined }],
    ['PEP 658 metadata flag', '<a href="d-1.0-py3-none-any.whl" data-dist-info-metadata="true">x</a>', { 'core-metadata': undefined, 'dist-info-metadata': true }],
    ['metadata explicitly false', '<a href="d-1.0-py3-none-any.whl" data-core-metadata="false">x</a>', { 'core-metadata': false }],
    [
      'PEP 740 provenance, relative',
      "<a href='d-1.0-py3-none-any.whl' data-provenance='/integrity/d/1.0/d-1.0-py3-none-any.whl/provenance'>x</a>",
      { provenance: 'https://mirror.pypi.test/integrity/d/1.0/d-1.0-py3-none-any.whl/provenance' },
    ],
    ['unquoted attributes, upper-case names', '<A HREF=demo-2.0.tar.gz DATA-REQUIRES-PYTHON=&gt;=3.9>demo-2.0.tar.gz</A>', { filename: 'demo-2.0.tar.gz', 'requires-python': '>=3.9' }],
    ['a %-escaped file name', '<a href="demo-1.0%2Blocal.tar.gz">demo-1.0+local.tar.gz</a>', { filename: 'demo-1.0+local.tar.gz' }],
    ['a fragment that is not a hash', '<a href="demo-1.0.tar.gz#egg=demo">demo</a>', { hashes: {} }],
    ['several hashes joined by &', '<a href="demo-1.0.tar.gz#sha256=aa&amp;md5=bb">demo</a>', { hashes: { sha256: 'aa', md5: 'bb' } }],
  ])('%s', (_label, anchor, expected) => {
    expect(only(anchor)).toMatchObject(expected);
  });

  it('resolves links against <base href>', () => {
    expect(only('<a href="demo-1.0.tar.gz">demo-1.0.tar.gz</a>', '<base href="https://files.pypi.test/root/">').url).toBe('https://files.pypi.test/root/demo-1.0.tar.gz');
  });

  it('has no upload time or size (JSON-only fields), and says nothing of provenance without data-provenance', () => {
    const file = only('<a href="demo-1.0.tar.gz">demo-1.0.tar.gz</a>');
    expect(file).toMatchObject({ 'upload-time': null, size: null });
    expect(file.provenance).toBeUndefined();
  });
});

describe('parseSimpleHtml: the page', () => {
  it('reads the PEP 629 repository version', () => {
    const page = parseSimpleHtml('<html><head><meta name="pypi:repository-version" content="1.3"></head><body></body></html>', PAGE_URL);
    expect(page).toEqual({ apiVersion: '1.3', files: [] });
  });

  it('has no version without the meta tag', () => {
    expect(parseSimpleHtml('<html></html>', PAGE_URL).apiVersion).toBeNull();
  });

  it('skips markup inside comments, scripts and the title, and anchors without a usable href', () => {
    const page = parseSimpleHtml(
      [
        '<html><head><title>Links for <a href="x-0.tar.gz">x</a></title>',
        '<script>document.write("<a href=\\"y-0.tar.gz\\">y</a>")</script></head><body>',
        '<!-- <a href="z-0.tar.gz">z</a> -->',
        '<a name="anchor-without-href">nothing</a>',
        '<a href="">empty</a>',
        '<a href="http://[bad">bad</a>',
        '<a href="demo-1.0.tar.gz">demo-1.0.tar.gz</a>',
        '<a href="demo-1.1.tar.gz">demo-1.1.tar.gz',
        '<a href="demo-1.2.tar.gz">demo-1.2.tar.gz</a>',
        '</body></html>',
      ].join('\n'),
      PAGE_URL,
    );
    // An unclosed <a> ends where the next one starts.
    expect(page.files.map((file) => file.filename)).toEqual(['demo-1.0.tar.gz', 'demo-1.1.tar.gz', 'demo-1.2.tar.gz']);
  });

  it('keeps the first of duplicate attributes, as HTML does', () => {
    expect(only('<a href="demo-1.0.tar.gz" data-yanked="first" data-yanked="second">d</a>').yanked).toBe('first');
  });
});

describe('parseSimpleHtml on hostile pages', () => {
  // Each of these took seconds per 80 KB with the old regular expressions and grew
  // with the square of the size; 1 MB of them would not finish within the test's time limit.
  const base = 'https://index.example/simple/demo/';
  it.each([
    ['unclosed quotes', '<a "'.repeat(250_000)],
    ['unclosed quoted values', '<a href="'.repeat(120_000)],
    ['less-than signs without a closing bracket in anchor text', `<a href="demo-1.0.tar.gz">${'< '.repeat(500_000)}`],
    ['unclosed comments', '<!--<a href=x>'.repeat(80_000)],
  ])('reads a megabyte of %s in one pass', (_name, html) => {
    const page = parseSimpleHtml(html, base);
    expect(Array.isArray(page.files)).toBe(true);
  });

  it('still reads the links around a cut-off tag', () => {
    const page = parseSimpleHtml('<a href="demo-1.0.tar.gz">demo-1.0.tar.gz</a>\n<a href="demo-2.0.tar.gz', base);
    expect(page.files.map((file) => file.filename)).toEqual(['demo-1.0.tar.gz']);
  });
});

import { describe, expect, it } from 'vitest';
import { DEFAULT_URL_STATE, decodeUrlState } from './url.ts';
import { ShareError } from '../storage/share.ts';
import { InputError } from '../../workers/logic/io/errors.ts';
import { appBase, openErrorMessage, shareUrl, uploadErrorMessage } from './share-link.ts';

const ID = 'ab'.repeat(32);
const ID2 = 'cd'.repeat(32);

describe('shareUrl', () => {
  it('puts the id in the hash path and the view state after it; the demo marker is dropped', () => {
    const view = { ...DEFAULT_URL_STATE, view: 'table' as const, node: ['widgets::Rect'], src: 'demo', metric: 'count' as const };
    const url = shareUrl('http://127.0.0.1:4500/', ID, view);
    expect(url).toBe(`http://127.0.0.1:4500/#/a/${ID}?v=1&view=table&node=widgets%3A%3ARect&metric=count`);
    expect(decodeUrlState(url.slice(url.indexOf('#')))).toEqual({ ...view, src: '', analysis: ID });
  });

  it('keeps cmp and replaces any hash of the base', () => {
    const url = shareUrl('https://h.example/app/#/a/old?v=1', ID, { ...DEFAULT_URL_STATE, cmp: ID2 });
    expect(url).toBe(`https://h.example/app/#/a/${ID}?v=1&cmp=${ID2}`);
  });

  it('appBase is origin + path', () => {
    expect(appBase({ origin: 'http://x:1', pathname: '/' })).toBe('http://x:1/');
  });
});

describe('share failure messages', () => {
  it('upload: unreachable, too big, malformed, other', () => {
    expect(uploadErrorMessage(new ShareError(0, 'upload failed: Failed to fetch'), 10)).toMatch(/cannot be reached — nothing was uploaded/);
    expect(uploadErrorMessage(new ShareError(413, 'x'), 123456789)).toBe(
      'The share server refused the upload: the analysis (123,456,789 bytes) is larger than it accepts.',
    );
    expect(uploadErrorMessage(new ShareError(400, 'upload refused (400): upload: bad magic'), 1)).toMatch(/refused the analysis as malformed: .*bad magic/);
    expect(uploadErrorMessage(new ShareError(500, 'upload refused (500): boom'), 1)).toBe('The upload failed: upload refused (500): boom');
    expect(uploadErrorMessage(new TypeError('odd'), 1)).toBe('The upload failed: odd');
  });

  it('open: 404 says there is no analysis with this id; damaged and unreachable are said as such', () => {
    expect(openErrorMessage(new ShareError(404, 'no shared analysis'), ID)).toBe(
      `There is no shared analysis with this id (${ID}) on this server. The link may be mistyped, or it comes from another Heapscope server.`,
    );
    expect(openErrorMessage(new ShareError(0, 'fetch failed'), ID)).toMatch(/cannot be reached/);
    expect(openErrorMessage(new InputError(`shared analysis ${ID}`, 'truncated'), ID)).toMatch(/is damaged and cannot be opened: shared analysis .*: truncated/);
  });
});

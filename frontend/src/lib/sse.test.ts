import { describe, expect, it } from 'vitest';
import { createSseParser, type SseEvent } from './sse';

function parse(chunks: string[], initialId = '') {
  const events: SseEvent[] = [];
  const comments: string[] = [];
  const retries: number[] = [];
  const p = createSseParser(
    { onEvent: (e) => events.push(e), onComment: (c) => comments.push(c), onRetry: (ms) => retries.push(ms) },
    initialId,
  );
  for (const c of chunks) p.push(c);
  return { events, comments, retries, parser: p };
}

const STREAM =
  ': connected\n\n' +
  'id: 1234\nevent: decision.changed\ndata: {"id":"1234","type":"decision.changed"}\n\n' +
  ': ping\n\n' +
  'id: 1240\nevent: meeting.changed\ndata: {"id":"1240"}\n\n';

describe('createSseParser', () => {
  it('reads the events of the contract: id, event and data, comments apart', () => {
    const { events, comments } = parse([STREAM]);
    expect(events).toEqual([
      { type: 'decision.changed', id: '1234', data: '{"id":"1234","type":"decision.changed"}' },
      { type: 'meeting.changed', id: '1240', data: '{"id":"1240"}' },
    ]);
    expect(comments).toEqual([' connected', ' ping']);
  });

  it('gives the same events however the text is cut, down to one character a chunk', () => {
    const whole = parse([STREAM]).events;
    expect(parse(STREAM.split('')).events).toEqual(whole);
    for (let cut = 1; cut < STREAM.length; cut++) {
      expect(parse([STREAM.slice(0, cut), STREAM.slice(cut)]).events).toEqual(whole);
    }
  });

  it('accepts CRLF, LF and CR line ends, even a CRLF split between chunks', () => {
    const crlf = 'event: a\r\ndata: 1\r\n\r\n';
    const cr = 'event: b\rdata: 2\r\r';
    expect(parse([crlf, cr]).events).toEqual([
      { type: 'a', data: '1', id: '' },
      { type: 'b', data: '2', id: '' },
    ]);
    // The CR ends one chunk and the LF starts the next: one line end, not two
    // (two would dispatch an event after "data: 1" before the second data line).
    expect(parse(['data: 1\r', '\ndata: 2\r', '\n\r', '\n']).events).toEqual([{ type: 'message', data: '1\n2', id: '' }]);
  });

  it('joins data lines with a newline and defaults the type to "message"', () => {
    expect(parse(['data: first\ndata: second\ndata\n\n']).events).toEqual([{ type: 'message', data: 'first\nsecond\n', id: '' }]);
  });

  it('strips one space after the colon, no more, and reads a line without a colon as a field with no value', () => {
    expect(parse(['data:no space\n\n', 'data:  two spaces\n\n', 'data\n\n']).events.map((e) => e.data)).toEqual([
      'no space',
      ' two spaces',
      '',
    ]);
  });

  it('dispatches nothing for an event without data, but keeps its id', () => {
    const { events, parser } = parse(['id: 7\nevent: x\n\n', 'data: later\n\n']);
    expect(events).toEqual([{ type: 'message', data: 'later', id: '7' }]);
    expect(parser.lastEventId()).toBe('7');
  });

  it('keeps the last id for events that set none, and ignores an id with NUL', () => {
    const { events } = parse(['id: 5\ndata: a\n\n', 'data: b\n\n', 'id: 6\0x\ndata: c\n\n', 'id\ndata: d\n\n']);
    expect(events.map((e) => e.id)).toEqual(['5', '5', '5', '']);
  });

  it('starts from the id it was given (a resumed stream)', () => {
    expect(parse(['data: a\n\n'], '99').events[0]?.id).toBe('99');
  });

  it('reads retry only when it is all digits, and ignores unknown fields', () => {
    const { retries, events } = parse(['retry: 3000\nretry: 3s\nretry: -1\nfoo: bar\ndata: x\n\n']);
    expect(retries).toEqual([3000]);
    expect(events).toEqual([{ type: 'message', data: 'x', id: '' }]);
  });

  it('drops a byte order mark at the start only', () => {
    expect(parse(['\uFEFFdata: a\n\n', '\uFEFFdata: b\n\n']).events.map((e) => e.data)).toEqual(['a']);
  });

  it('drops an event that the stream ends in the middle of', () => {
    const { events, parser } = parse(['data: whole\n\n', 'event: cut\ndata: half']);
    parser.end();
    parser.push('\n\n');
    expect(events).toEqual([{ type: 'message', data: 'whole', id: '' }]);
  });

  it('treats "event" and "data" case-sensitively, as field names are', () => {
    expect(parse(['Data: x\nDATA: y\n\n']).events).toEqual([]);
  });
});

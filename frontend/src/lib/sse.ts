// A parser of the text/event-stream format as the WHATWG HTML standard
// defines it ("Server-sent events", §9.2.6), for streams read through fetch:
// EventSource cannot send an Authorization header. It takes the decoded
// text in chunks of any size (a line, or even a CRLF, may be split across
// two chunks) and calls back once per dispatched event.
//
// The rules it follows:
// - lines end in CRLF, LF or CR; a UTF-8 BOM at the very start is dropped;
// - a line starting with ":" is a comment (heartbeats); it dispatches nothing;
// - "field:value" strips one space after the colon; a line without a colon
//   is a field with an empty value; unknown fields are ignored;
// - `data` lines accumulate, joined by "\n"; `event` sets the type (default
//   "message"); `id` sets the last event id unless it contains NUL, and the
//   id persists for later events that do not set one; `retry` sets the
//   reconnection time when it is all ASCII digits;
// - an empty line dispatches the event, unless no data was given (then the
//   buffers are reset and nothing is dispatched, though an id still counts);
// - an event still being read when the stream ends is dropped.

export interface SseEvent {
  /** the event type: the `event` field, or "message" */
  type: string;
  data: string;
  /** the last event id at dispatch ("" when none was ever set) */
  id: string;
}

export interface SseHandlers {
  onEvent: (event: SseEvent) => void;
  /** a comment line's text after the colon, e.g. " ping" */
  onComment?: (text: string) => void;
  /** a valid `retry` field, in milliseconds */
  onRetry?: (ms: number) => void;
}

export interface SseParser {
  /** Feeds the next piece of decoded text. */
  push(text: string): void;
  /** The stream ended: a partly read event is dropped. */
  end(): void;
  /** The last event id seen so far (it survives events that set none). */
  lastEventId(): string;
}

export function createSseParser(handlers: SseHandlers, initialLastEventId = ''): SseParser {
  let buffer = '';
  let started = false;
  // A chunk ended in CR: an LF at the start of the next one belongs to it.
  let skipLF = false;
  let data = '';
  let hasData = false;
  let type = '';
  let lastId = initialLastEventId;

  function dispatch() {
    if (!hasData) {
      type = '';
      return;
    }
    const event = { type: type || 'message', data, id: lastId };
    data = '';
    hasData = false;
    type = '';
    handlers.onEvent(event);
  }

  function line(l: string) {
    if (l === '') return dispatch();
    if (l.startsWith(':')) return handlers.onComment?.(l.slice(1));
    const colon = l.indexOf(':');
    const field = colon < 0 ? l : l.slice(0, colon);
    let value = colon < 0 ? '' : l.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'event':
        type = value;
        break;
      case 'data':
        data = hasData ? `${data}\n${value}` : value;
        hasData = true;
        break;
      case 'id':
        if (!value.includes('\0')) lastId = value;
        break;
      case 'retry':
        if (/^[0-9]+$/.test(value)) handlers.onRetry?.(Number(value));
        break;
      default:
      // Other fields are ignored.
    }
  }

  return {
    push(text: string) {
      if (!started && text.length > 0) {
        started = true;
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      }
      if (skipLF && text.startsWith('\n')) text = text.slice(1);
      skipLF = false;
      buffer += text;
      let start = 0;
      for (let i = 0; i < buffer.length; i++) {
        const c = buffer.charCodeAt(i);
        if (c !== 10 && c !== 13) continue;
        line(buffer.slice(start, i));
        if (c === 13) {
          if (i + 1 < buffer.length) {
            if (buffer.charCodeAt(i + 1) === 10) i++;
          } else {
            skipLF = true;
          }
        }
        start = i + 1;
      }
      buffer = buffer.slice(start);
    },
    end() {
      buffer = '';
      data = '';
      hasData = false;
      type = '';
      skipLF = false;
    },
    lastEventId: () => lastId,
  };
}

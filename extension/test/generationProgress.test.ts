import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  NOTIFICATION_DELAY_MS,
  ProgressRouter,
  progressPlan,
  type ProgressHost,
  type ProgressLocationName,
  type ProgressToken,
} from '../src/generationProgress';

/** A host that records what is shown, with timers that fire only when the test says so. */
class FakeHost implements ProgressHost {
  readonly events: string[] = [];
  readonly cancelled: ProgressToken[] = [];
  readonly timers: { ms: number; run: () => void; disposed: boolean }[] = [];
  readonly cancelButtons: (() => void)[] = [];
  private opened = 0;

  open(location: ProgressLocationName, title: string, cancellable: boolean, onCancel: () => void) {
    const id = ++this.opened;
    this.events.push(`open#${id} ${location} "${title}"${cancellable ? ' cancellable' : ''}`);
    this.cancelButtons[id] = onCancel;
    return {
      report: (update: { message?: string; increment?: number }) =>
        this.events.push(`report#${id} ${JSON.stringify(update)}`),
      close: () => this.events.push(`close#${id}`),
    };
  }

  schedule(ms: number, run: () => void) {
    const timer = { ms, run, disposed: false };
    this.timers.push(timer);
    return { dispose: () => (timer.disposed = true) };
  }

  cancel(token: ProgressToken): void {
    this.cancelled.push(token);
  }

  /** Fires every pending timer, as if the delay had passed. */
  elapse(): void {
    for (const timer of this.timers.splice(0)) {
      if (!timer.disposed) {
        timer.run();
      }
    }
  }
}

function setup() {
  const host = new FakeHost();
  const router = new ProgressRouter(host);
  const passedOn: string[] = [];
  const send = (token: ProgressToken, value: Parameters<ProgressRouter['handle']>[1]): void =>
    router.handle(token, value, () => passedOn.push(`${token} ${value.kind}`));
  return { host, router, passedOn, send };
}

const BEGIN = { kind: 'begin', title: "Regenerating 'Client Overview'", cancellable: true, message: '0/1', percentage: 0 } as const;

describe('which progress shows where', () => {
  test('cancellable progress is the router\'s, other progress the client\'s', () => {
    assert.equal(progressPlan({ cancellable: true }), 'router');
    assert.equal(progressPlan({ cancellable: false }), 'client');
    assert.equal(progressPlan({}), 'client');
    assert.equal(NOTIFICATION_DELAY_MS, 1000);
  });

  test('a short run stays in the status bar and never becomes a notification', () => {
    const { host, router, passedOn, send } = setup();
    send('t1', BEGIN);
    assert.deepEqual(router.locations(), new Map([['t1', 'window']]));
    assert.deepEqual(host.timers.map((t) => t.ms), [1000]);
    send('t1', { kind: 'report', message: "1/1: Client Overview", percentage: 100 });
    send('t1', { kind: 'end', message: 'Done' });
    host.elapse(); // the timer was disposed: nothing opens
    assert.deepEqual(host.events, [
      `open#1 window "Regenerating 'Client Overview'"`,
      'report#1 {"message":"0/1"}',
      'report#1 {"message":"1/1: Client Overview","increment":100}',
      'close#1',
    ]);
    assert.deepEqual(passedOn, ['t1 end'], 'only the end reaches the client, so it forgets the token');
    assert.deepEqual(router.locations(), new Map());
  });

  test('a long run moves to a cancellable notification, keeping its message and percentage, shown once', () => {
    const { host, router, passedOn, send } = setup();
    send('t2', { ...BEGIN, title: 'Regenerating 3 failing sections', message: '0/3' });
    send('t2', { kind: 'report', message: '1/3: Client Overview', percentage: 33 });
    host.elapse();
    assert.deepEqual(router.locations(), new Map([['t2', 'notification']]));
    send('t2', { kind: 'report', message: '2/3: Goals', percentage: 66 });
    send('t2', { kind: 'end', message: 'Done' });
    assert.deepEqual(host.events, [
      'open#1 window "Regenerating 3 failing sections"',
      'report#1 {"message":"0/3"}',
      'report#1 {"message":"1/3: Client Overview","increment":33}',
      'close#1',
      'open#2 notification "Regenerating 3 failing sections" cancellable',
      'report#2 {"message":"1/3: Client Overview","increment":33}',
      'report#2 {"message":"2/3: Goals","increment":33}',
      'close#2',
    ]);
    assert.deepEqual(passedOn, ['t2 end']);
  });

  test('Cancel sends window/workDoneProgress/cancel for that token, once', () => {
    const { host, send } = setup();
    send('t3', BEGIN);
    send(7, { ...BEGIN, title: 'Writing a report' });
    host.elapse();
    // Views 1 and 2 are the status bar's; 3 is t3's notification, 4 is token 7's.
    host.cancelButtons[4]?.();
    host.cancelButtons[4]?.();
    assert.deepEqual(host.cancelled, [7]);
    send(7, { kind: 'end', message: 'Cancelled: nothing was changed' });
    host.cancelButtons[3]?.(); // t3's notification, still running
    assert.deepEqual(host.cancelled, [7, 't3']);
  });

  test('a Cancel after the end sends nothing', () => {
    const { host, send } = setup();
    send('t4', BEGIN);
    host.elapse();
    send('t4', { kind: 'end' });
    host.cancelButtons[2]?.();
    assert.deepEqual(host.cancelled, []);
  });

  test('progress that cannot be cancelled is left to the client entirely', () => {
    const { host, router, passedOn, send } = setup();
    send('t5', { kind: 'begin', title: 'Indexing', cancellable: false });
    send('t5', { kind: 'report', message: 'half' });
    send('t5', { kind: 'end' });
    assert.deepEqual(host.events, []);
    assert.deepEqual(host.timers, []);
    assert.deepEqual(passedOn, ['t5 begin', 't5 report', 't5 end']);
    assert.deepEqual(router.locations(), new Map());
  });

  test('a progress without percentages reports messages only; percentages never go back', () => {
    const { host, send } = setup();
    send('t6', { kind: 'begin', title: 'Working', cancellable: true });
    send('t6', { kind: 'report', message: 'step', percentage: 50 });
    host.elapse();
    send('t7', { ...BEGIN, percentage: 40 });
    send('t7', { kind: 'report', percentage: 30 });
    send('t7', { kind: 'report', percentage: 140 });
    assert.deepEqual(host.events, [
      'open#1 window "Working"',
      'report#1 {"message":"step"}',
      'close#1',
      'open#2 notification "Working" cancellable',
      'report#2 {"message":"step"}',
      `open#3 window "Regenerating 'Client Overview'"`,
      'report#3 {"message":"0/1","increment":40}',
      'report#3 {"message":"0/1","increment":60}',
    ]);
  });

  test('clear closes everything (the server stopped) and a late timer opens nothing', () => {
    const { host, router, send } = setup();
    send('t8', BEGIN);
    router.clear();
    host.elapse();
    assert.deepEqual(host.events, [`open#1 window "Regenerating 'Client Overview'"`, 'report#1 {"message":"0/1"}', 'close#1']);
    assert.deepEqual(router.locations(), new Map());
  });

  test('a second begin for a token replaces the first', () => {
    const { host, router, send } = setup();
    send('t9', BEGIN);
    send('t9', { ...BEGIN, title: 'Again' });
    host.elapse();
    assert.deepEqual(router.locations(), new Map([['t9', 'notification']]));
    assert.equal(host.events.filter((e) => e.startsWith('open')).length, 3);
    assert.deepEqual(host.events.filter((e) => e.includes('notification')), ['open#3 notification "Again" cancellable']);
  });
});

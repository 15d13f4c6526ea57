// What the buttons of a run gone wrong do (src/ui/recovery.ts), on a fake page: each leaves a paused
// run, as a restore does, whether the warned run was still training or not.
import { describe, expect, it } from 'vitest';
import type { Session } from '../src/train/session';
import { Recovery, type MessageAction, type RecoveryHost } from '../src/ui/recovery';
import { readSettings } from '../src/ui/settings';

function fakePage() {
  const calls: string[] = [];
  let message: { text: string; actions: MessageAction[] } | null = null;
  let session = {} as Session;
  let finishStop: () => void = () => undefined;
  const host: RecoveryHost = {
    settings: readSettings([
      ['dataset', 'spiral'],
      ['optimizer', 'sgd'],
      ['lr', '10'],
    ]).settings,
    session: () => session,
    loadedRun: () => null,
    stop: () => {
      calls.push('stop');
      // The loop settles its work in flight a while later.
      return new Promise((resolve) => {
        finishStop = () => {
          calls.push('stopped');
          resolve(true);
        };
      });
    },
    chain: (work) => work(),
    build: async () => void calls.push('build'),
    rebuild: async () => void calls.push(`rebuild at lr ${host.settings.lr}`),
    restored: async () => undefined,
    redraw: async () => undefined,
    setLearningRate: (lr) => {
      calls.push(`lr ${lr}`);
      host.settings.lr = lr;
    },
    useCpuEngine: () => undefined,
    gpuBack: () => undefined,
    message: (text, actions = []) => void (message = { text, actions }),
    notice: () => undefined,
    hideMessage: () => void (message = null),
    status: () => undefined,
    describe: () => 'an MLP',
  };
  return {
    recovery: new Recovery(host, null),
    calls,
    button: (label: string) => message?.actions.find((a) => a.label === label),
    labels: () => message?.actions.map((a) => a.label) ?? [],
    finishStop: () => finishStop(),
    newSession: () => void (session = {} as Session),
  };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('the offers of a run that collapsed before its first snapshot', () => {
  it('start again at the safer rate paused: the loop is stopped and settled before the rate changes and the run is rebuilt', async () => {
    const page = fakePage();
    page.recovery.warnGaveBack('gpu', 480);
    expect(page.labels()).toEqual(['Start again with learning rate 1', 'Start again']);
    page.button('Start again with learning rate 1')!.run();
    await settle();
    expect(page.calls).toEqual(['stop']); // nothing rebuilt while steps are in flight
    page.finishStop();
    await settle();
    expect(page.calls).toEqual(['stop', 'stopped', 'lr 1', 'rebuild at lr 1']);
  });

  it('"Start again" stops first too, and keeps the rate', async () => {
    const page = fakePage();
    page.recovery.warnGaveBack('gpu', 480);
    page.button('Start again')!.run();
    page.finishStop();
    await settle();
    expect(page.calls).toEqual(['stop', 'stopped', 'rebuild at lr 10']);
  });

  it('gives way to a run that replaced the warned one while the loop settled', async () => {
    const page = fakePage();
    page.recovery.warnGaveBack('gpu', 480);
    page.button('Start again with learning rate 1')!.run();
    page.newSession(); // a preset chosen meanwhile
    page.finishStop();
    await settle();
    expect(page.calls).toEqual(['stop', 'stopped']);
  });

  it('does nothing once the run it was offered for is replaced', async () => {
    const page = fakePage();
    page.recovery.warnGaveBack('gpu', 480);
    const offer = page.button('Start again with learning rate 1')!;
    page.newSession();
    offer.run();
    await settle();
    expect(page.calls).toEqual([]);
  });
});

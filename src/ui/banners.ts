// The page's two banners, and the one owner of what they say: a warning (role="alert", with
// buttons) and a notice (information). Each message has a topic; news on the same topic replaces it,
// and an event that settles a topic (a good file after a bad one, a run rebuilt) clears it.
import type { MessageAction } from './recovery';

/**
 * What a message is about. A later message on the same topic replaces it; clear(topic) takes it
 * away once it no longer applies.
 */
export type BannerTopic =
  /** A setting or a file refused, a build that fell back: cleared by the next build that works. */
  | 'build'
  /** Settings in a link that were ignored: cleared by a link that reads whole. */
  | 'link'
  /** A data or run file that could not be used: cleared by a file that loads. */
  | 'file'
  /** A diverged run, a lost device: cleared by a restore or a new run. */
  | 'run'
  /** Whatever needs no clearing by an event: the user closes it. */
  | 'other';

export class Banners {
  private messageTopic: BannerTopic | null = null;
  private noticeTopic: BannerTopic | null = null;

  constructor(
    /** Warnings and errors (role="alert"). */
    private readonly messageEl: HTMLElement,
    /** Information: a loaded file, a setting adjusted to fit. */
    private readonly noticeEl: HTMLElement,
  ) {}

  /** Shows a warning or an error (a refused file, an ignored link setting, a lost device), with buttons. */
  message(text: string, actions: MessageAction[] = [], topic: BannerTopic = 'other'): void {
    const el = this.messageEl;
    el.replaceChildren(text);
    for (const action of actions) {
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = action.label;
      button.addEventListener('click', () => {
        this.hideMessage();
        action.run();
      });
      el.append(' ', button);
    }
    el.append(
      ' ',
      this.closeButton(() => this.hideMessage()),
    );
    el.hidden = false;
    this.messageTopic = topic;
  }

  /** Shows information (a loaded file, an adjusted setting) apart from the warnings. */
  notice(text: string, topic: BannerTopic = 'other'): void {
    const el = this.noticeEl;
    el.replaceChildren(
      text,
      ' ',
      this.closeButton(() => this.hideNotice()),
    );
    el.hidden = false;
    this.noticeTopic = topic;
  }

  /** Takes away whatever either banner says about `topic`: it no longer applies. */
  clear(...topics: BannerTopic[]): void {
    if (this.messageTopic && topics.includes(this.messageTopic)) this.hideMessage();
    if (this.noticeTopic && topics.includes(this.noticeTopic)) this.hideNotice();
  }

  hideMessage(): void {
    this.messageEl.hidden = true;
    this.messageTopic = null;
  }

  hideNotice(): void {
    this.noticeEl.hidden = true;
    this.noticeTopic = null;
  }

  /** What the banners show now (for inspect()): the text of each visible one, without its buttons. */
  read(): { message: string | null; notice: string | null } {
    const text = (el: HTMLElement) => (el.hidden ? null : (el.firstChild?.textContent ?? ''));
    return { message: text(this.messageEl), notice: text(this.noticeEl) };
  }

  /** The × that hides a banner. */
  private closeButton(hide: () => void): HTMLButtonElement {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'banner-close';
    button.textContent = '×';
    button.title = 'Hide this message';
    button.setAttribute('aria-label', 'hide this message');
    button.addEventListener('click', hide);
    return button;
  }
}

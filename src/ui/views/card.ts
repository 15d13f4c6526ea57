// The frame every view draws in: a card with a title, a one-line caption and a body,
// added to a container (in the place of the page's static frame of its kind there, if it has one:
// index.html) and removed again by the view's destroy().
import '../views.css';

/** A titled card inside a container; the view builds its content in `body`. */
export class ViewCard {
  /** The card element, child of the container it was created in. */
  readonly root: HTMLElement;
  /** Where the view puts its canvases and controls. */
  readonly body: HTMLDivElement;
  private readonly caption: HTMLParagraphElement;

  /**
   * Adds a card with `title` and `caption` to `container`; `kind` names it (`view-<kind>`). An empty
   * title adds no heading, for a card under a heading of its own (the benchmark's <summary>).
   */
  constructor(container: HTMLElement, kind: string, title: string, caption: string) {
    this.root = document.createElement('section');
    this.root.className = `view-card view-${kind}`;
    if (title) {
      const heading = document.createElement('h3');
      heading.className = 'view-title';
      heading.textContent = title;
      this.root.append(heading);
    }
    this.caption = document.createElement('p');
    this.caption.className = 'view-caption';
    this.caption.textContent = caption;
    this.body = document.createElement('div');
    this.body.className = 'view-body';
    this.root.append(this.caption, this.body);
    const frame = container.querySelector(`:scope > .view-frame.view-${kind}`);
    if (frame) frame.replaceWith(this.root);
    else container.append(this.root);
  }

  /** Replaces the caption text. */
  setCaption(text: string): void {
    if (this.caption.textContent !== text) this.caption.textContent = text;
  }

  /** Removes the card and everything in it. */
  remove(): void {
    this.root.remove();
  }
}

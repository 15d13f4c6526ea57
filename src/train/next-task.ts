// Yielding to the event loop between an engine's runs in a race (Session.race). A fresh task, not a
// nested setTimeout(0), which browsers clamp to 4 ms after five levels: an engine takes its next
// steps at once, and the page still renders between tasks.
let channel: MessageChannel | null = null;
const waiting: Array<() => void> = [];

/** Resolves in a new task of the event loop (setImmediate in Node, a MessageChannel message in a page). */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof setImmediate === 'function') {
      setImmediate(resolve); // Node: a port's listener would keep the process alive
      return;
    }
    if (!channel) {
      channel = new MessageChannel();
      channel.port1.onmessage = () => waiting.shift()?.();
    }
    waiting.push(resolve);
    channel.port2.postMessage(null);
  });
}

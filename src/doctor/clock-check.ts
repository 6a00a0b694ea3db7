// Clock skew against the Date header of an endpoint the daemon calls anyway, rather than NTP: NTP (UDP
// 123) is often closed where only HTTPS goes out (ops notes §5.12), and HTTP needs no extra client. The
// header has whole seconds, so the answer is "the difference, give or take half the round trip and
// half a second"; a skew is reported only when it exceeds the limit by more than that.
import { checkResult, type DoctorCheck } from './check.js';
import type { Probe } from './probe.js';

export function clockCheck(sources: readonly { url: string; result: Probe }[], maxSkewMs: number): DoctorCheck {
  for (const { url, result } of sources) {
    if (!result.reached || result.date === undefined) continue;
    const serverMs = Date.parse(result.date);
    if (Number.isNaN(serverMs)) continue;
    const midpoint = (result.sentAt.getTime() + result.answeredAt.getTime()) / 2;
    // The true server time lies in [date, date + 1 s).
    const skewMs = serverMs + 500 - midpoint;
    const marginMs = (result.answeredAt.getTime() - result.sentAt.getTime()) / 2 + 500;
    const detail = `this machine is ${formatSeconds(-skewMs)} against ${new URL(url).host} (±${(marginMs / 1000).toFixed(1)} s)`;
    if (Math.abs(skewMs) - marginMs > maxSkewMs) {
      return checkResult('clock', 'fail', detail, `synchronise the clock (NTP, chrony or systemd-timesyncd); tokens and signatures fail beyond ${maxSkewMs / 1000} s`);
    }
    return checkResult('clock', 'ok', detail);
  }
  return checkResult('clock', 'skip', 'no endpoint answered with a Date header, so the skew could not be measured', 'make an endpoint reachable (see the checks above), or check the clock against a trusted time source by hand');
}

function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return `${s >= 0 ? '+' : ''}${s.toFixed(1)} s`;
}

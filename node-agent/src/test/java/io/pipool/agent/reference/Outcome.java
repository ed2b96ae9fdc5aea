package io.pipool.agent.reference;

import java.util.Locale;

/**
 * What one server did in one hostile case, as a user would judge it. Fields a case does not measure
 * stay null (shown as a dash).
 */
final class Outcome {

  /** Shown in a row when a case has no equivalent on a server. */
  static final String NOT_APPLICABLE = "N/A";

  /** What it answered first: a status ("400"), "100→200", "GOAWAY(1)", "RST(1)", or "none". */
  String answer = "none";

  /** It closed the connection (end of stream or reset) after answering. */
  Boolean closed;

  /** Its (first final) response said {@code Connection: close}. */
  boolean saysClose;

  /** How much its heap (agent) or RSS (nginx) grew while a flood was held, in MiB. */
  long growthMiB = -1;

  /** Something sent after the offending request was answered on the same connection. */
  Boolean after;

  /** The offending request (or a request hidden behind it) reached the upstream. */
  Boolean reached;

  /** A normal request on a fresh connection was answered within 1 s (during and after). */
  boolean fresh = true;

  /** It stopped reading a connection whose output it could not send (backpressure cases). */
  Boolean stoppedReading;

  /** Memory after the case: the agent's used heap after a GC, nginx's worker RSS. */
  String memory = "–";

  /** A case-specific figure (bytes accepted, descriptors held), for comparisons. */
  long measure = -1;

  /** Free text: what the figure means, what else was seen. */
  String note = "";

  /** True when the case has no equivalent on this server. */
  boolean notApplicable;

  static Outcome notApplicable(String why) {
    Outcome o = new Outcome();
    o.notApplicable = true;
    o.answer = NOT_APPLICABLE;
    o.fresh = true;
    o.note = why;
    return o;
  }

  /**
   * It refused: a status that refuses a request for what it is (400, 405, 408, 411, 413, 414, 417,
   * 431, 501, 505) or a bad gateway, an HTTP/2 error, or a close without an answer. A 405 counts:
   * both a CONNECT refused with 405 and a POST a static server does not take are refusals of the
   * method. A 404 is an answer.
   */
  boolean refused() {
    if (answer.contains("GOAWAY") || answer.contains("RST")) {
      return true;
    }
    String last = answer.contains("→") ? answer.substring(answer.lastIndexOf('→') + 1) : answer;
    if (last.matches("(400|405|408|411|413|414|417|431|501|502|505)\\b.*")) {
      return true;
    }
    return "none".equals(last) && Boolean.TRUE.equals(closed);
  }

  /** Records a fresh request's result ({@link UnderTest#fresh}): null is a timely 200. */
  void fresh(String problem) {
    if (problem != null) {
      fresh = false;
      note("fresh request %s", problem);
    }
  }

  Outcome note(String format, Object... args) {
    String more = String.format(Locale.ROOT, format, args);
    note = note.isEmpty() ? more : note + "; " + more;
    return this;
  }

  /** One table cell. */
  String cell() {
    if (notApplicable) {
      return NOT_APPLICABLE + (note.isEmpty() ? "" : " (" + note + ")");
    }
    StringBuilder b = new StringBuilder(answer);
    if (saysClose) {
      b.append(" saying close");
    }
    if (closed != null) {
      b.append(closed ? ", closed" : ", kept open");
    }
    if (after != null) {
      b.append(after ? ", answered what followed" : ", nothing after");
    }
    if (stoppedReading != null) {
      b.append(stoppedReading ? ", stopped reading" : ", kept reading");
    }
    if (reached != null) {
      b.append(reached ? ", **reached upstream**" : ", upstream untouched");
    }
    b.append(fresh ? ", fresh ≤1 s" : ", **fresh request failed**");
    if (!"–".equals(memory)) {
      b.append(", ").append(memory);
    }
    if (!note.isEmpty()) {
      b.append(" (").append(note).append(')');
    }
    return b.toString().replace("|", "\\|");
  }
}

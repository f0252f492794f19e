package dev.vigil.core.rules;

/** A rules file that cannot be used; the message says where and why, in one line. */
public final class FilterRulesException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public FilterRulesException(String message) {
    super(message);
  }
}

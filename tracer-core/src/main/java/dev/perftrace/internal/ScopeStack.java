package dev.perftrace.internal;

/**
 * The PerfTrace scopes (operations and correlation scopes) open on one thread, in opening order.
 * It gives every PerfTrace scope one rule: closing a scope restores the context (and MDC) that was
 * current when it opened, and the scopes opened inside it on that thread that are still open lose
 * their restore (their later {@code close()} ends and records but leaves the context alone). So
 * closing an outer scope first, closing out of order or closing twice all leave the thread as it
 * was before the outermost closed scope. Internal: not API.
 *
 * <p>Thread safety: each instance is changed only by its thread ({@link #current()}); any thread
 * may call {@link #of} and {@link #isCurrentThread} to find out whether it is that thread.
 */
final class ScopeStack {
  /** A scope on the stack. */
  interface Entry {
    /** Called on the owning thread when an enclosing scope closed first: drop the restore. */
    void invalidate();
  }

  /** Depth at which the oldest half is invalidated (only leaked scopes get this deep). */
  static final int MAX_DEPTH = 256;

  private static final ThreadLocal<ScopeStack> CURRENT = ThreadLocal.withInitial(ScopeStack::new);

  /**
   * This thread's marker scope for operations made current without keeping the storage's scope
   * ({@link OperationContext#SCOPELESS}): closing it does nothing, {@link #restore} makes the
   * earlier context current directly, and it names this stack so that closing needs no
   * thread-local lookup ({@link #of}).
   */
  final io.opentelemetry.context.Scope attached = new Attached(this);

  private final long threadId = Thread.currentThread().getId();
  private Entry[] entries = new Entry[8];
  private int size;

  private ScopeStack() {}

  /**
   * Returns the stack of the thread that opened {@code scope} when it is a stack's {@link
   * #attached} marker, else this thread's stack.
   */
  static ScopeStack of(io.opentelemetry.context.Scope scope) {
    return scope instanceof Attached ? ((Attached) scope).stack : current();
  }

  /** True on the thread this stack belongs to (only that thread may change it). */
  boolean isCurrentThread() {
    return threadId == Thread.currentThread().getId();
  }

  /**
   * Closes {@code scope} and makes sure {@code before} is current afterwards: OpenTelemetry
   * ignores closing a scope that is not current (one opened inside it is still open), so then
   * {@code before} is made current directly (that scope is dropped: closing it would restore
   * the out-of-order context). Never throws.
   */
  @SuppressWarnings("MustBeClosedChecker")
  static void restore(io.opentelemetry.context.Scope scope, io.opentelemetry.context.Context before) {
    if (scope instanceof Attached) {
      reattach(before);
      return;
    }
    try {
      scope.close();
      if (io.opentelemetry.context.Context.current() != before) {
        before.makeCurrent(); // not closed on purpose: it only puts back what was there
      }
    } catch (RuntimeException e) {
      // a custom context storage refusing: nothing more to do without harming the caller
    }
  }

  /**
   * Makes {@code before} current again after an operation that did not keep the storage's scope
   * ({@link OperationContext#SCOPELESS}): what closing that scope would have done, and also
   * right when a scope opened inside was left open. Never throws.
   */
  @SuppressWarnings("MustBeClosedChecker")
  private static void reattach(io.opentelemetry.context.Context before) {
    try {
      before.makeCurrent(); // not closed on purpose: it only puts back what was there
    } catch (RuntimeException e) {
      // a custom context storage refusing: nothing more to do without harming the caller
    }
  }

  /** Returns this thread's stack. */
  static ScopeStack current() {
    return CURRENT.get();
  }

  void push(Entry entry) {
    if (size == MAX_DEPTH) {
      int drop = MAX_DEPTH / 2;
      for (int i = 0; i < drop; i++) {
        invalidate(entries[i]);
      }
      System.arraycopy(entries, drop, entries, 0, size - drop);
      for (int i = size - drop; i < size; i++) {
        entries[i] = null;
      }
      size -= drop;
    }
    if (size == entries.length) {
      Entry[] grown = new Entry[Math.min(entries.length * 2, MAX_DEPTH)];
      System.arraycopy(entries, 0, grown, 0, size);
      entries = grown;
    }
    entries[size++] = entry;
  }

  /**
   * Removes {@code entry} and invalidates the entries opened after it; returns false when it is
   * not open on this thread (closed already, invalidated, or opened on another thread).
   */
  boolean remove(Entry entry) {
    for (int i = size - 1; i >= 0; i--) {
      if (entries[i] == entry) {
        for (int j = size - 1; j > i; j--) {
          invalidate(entries[j]);
          entries[j] = null;
        }
        entries[i] = null;
        size = i;
        return true;
      }
    }
    return false;
  }

  /** Returns the depth, for {@link #truncate}. */
  int size() {
    return size;
  }

  /** Invalidates and drops the entries above {@code depth} (a wrapped task's leftovers). */
  void truncate(int depth) {
    for (int j = size - 1; j >= depth; j--) {
      invalidate(entries[j]);
      entries[j] = null;
    }
    if (depth < size) {
      size = depth;
    }
  }

  /** {@link ScopeStack#attached}. */
  private static final class Attached implements io.opentelemetry.context.Scope {
    final ScopeStack stack;

    Attached(ScopeStack stack) {
      this.stack = stack;
    }

    @Override
    public void close() {
      // nothing to close: the operation's restore makes the earlier context current
    }
  }

  private static void invalidate(Entry entry) {
    try {
      entry.invalidate();
    } catch (RuntimeException e) {
      // entries are PerfTrace's own; nothing to do
    }
  }
}

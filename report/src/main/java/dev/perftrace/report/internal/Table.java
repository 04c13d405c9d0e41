package dev.perftrace.report.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * A table of already formatted cells, rendered as aligned text or as a Markdown pipe table.
 *
 * <p>Thread safety: not thread-safe while rows are added; use from one thread.
 */
final class Table {

  private final List<String> headers;
  private final boolean[] right;
  private final List<List<String>> rows = new ArrayList<>();

  /** Headers; a header starting with {@code >} is right-aligned (the mark is dropped). */
  Table(String... headers) {
    this.headers = new ArrayList<>();
    this.right = new boolean[headers.length];
    for (int i = 0; i < headers.length; i++) {
      right[i] = headers[i].startsWith(">");
      this.headers.add(right[i] ? headers[i].substring(1) : headers[i]);
    }
  }

  Table row(String... cells) {
    if (cells.length != headers.size()) {
      throw new IllegalArgumentException("row has " + cells.length + " cells");
    }
    rows.add(List.of(cells));
    return this;
  }

  boolean isEmpty() {
    return rows.isEmpty();
  }

  /** Aligned columns, two spaces apart, each line indented by two spaces. */
  void appendText(StringBuilder out) {
    int[] widths = new int[headers.size()];
    for (int i = 0; i < widths.length; i++) {
      widths[i] = headers.get(i).length();
      for (List<String> row : rows) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    appendTextLine(out, headers, widths);
    for (List<String> row : rows) {
      appendTextLine(out, row, widths);
    }
  }

  private void appendTextLine(StringBuilder out, List<String> cells, int[] widths) {
    StringBuilder line = new StringBuilder("  ");
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) {
        line.append("  ");
      }
      String cell = cells.get(i);
      String pad = " ".repeat(widths[i] - cell.length());
      line.append(right[i] ? pad + cell : cell + pad);
    }
    out.append(line.toString().stripTrailing()).append('\n');
  }

  /** A GitHub-flavoured Markdown table; {@code |} in cells is escaped. */
  void appendMarkdown(StringBuilder out) {
    out.append('|');
    for (String h : headers) {
      out.append(' ').append(escape(h)).append(" |");
    }
    out.append("\n|");
    for (boolean r : right) {
      out.append(r ? "---:|" : "---|");
    }
    out.append('\n');
    for (List<String> row : rows) {
      out.append('|');
      for (String cell : row) {
        out.append(' ').append(escape(cell)).append(" |");
      }
      out.append('\n');
    }
  }

  private static String escape(String s) {
    return s.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ");
  }
}

package io.earthmover.harness.eval.report;

import java.util.ArrayList;
import java.util.List;

/** A small text table printed both as aligned plain text (console) and as Markdown (report). */
public final class Table {
    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    public Table(String... header) {
        this.header = List.of(header);
    }

    public Table row(Object... cells) {
        if (cells.length != header.size()) {
            throw new IllegalArgumentException("expected " + header.size() + " cells, got " + cells.length);
        }
        List<String> r = new ArrayList<>();
        for (Object c : cells) {
            r.add(String.valueOf(c));
        }
        rows.add(r);
        return this;
    }

    public String plain() {
        int[] w = new int[header.size()];
        for (int j = 0; j < w.length; j++) {
            w[j] = header.get(j).length();
            for (List<String> r : rows) {
                w[j] = Math.max(w[j], r.get(j).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        appendPlain(sb, header, w);
        for (int j = 0; j < w.length; j++) {
            sb.append("-".repeat(w[j])).append(j + 1 < w.length ? "  " : "\n");
        }
        for (List<String> r : rows) {
            appendPlain(sb, r, w);
        }
        return sb.toString();
    }

    public String markdown() {
        StringBuilder sb = new StringBuilder("| ").append(String.join(" | ", header)).append(" |\n|");
        sb.append("---|".repeat(header.size())).append('\n');
        for (List<String> r : rows) {
            sb.append("| ").append(String.join(" | ", r)).append(" |\n");
        }
        return sb.toString();
    }

    private static void appendPlain(StringBuilder sb, List<String> cells, int[] w) {
        for (int j = 0; j < w.length; j++) {
            String c = cells.get(j);
            sb.append(c).append(" ".repeat(w[j] - c.length())).append(j + 1 < w.length ? "  " : "\n");
        }
    }
}

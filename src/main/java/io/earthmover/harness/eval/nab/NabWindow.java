package io.earthmover.harness.eval.nab;

/** An anomaly window as inclusive row indices of its series. */
public record NabWindow(int start, int end) {
    public NabWindow {
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("bad window [" + start + ", " + end + "]");
        }
    }

    public int width() {
        return end - start + 1;
    }

    public boolean contains(int row) {
        return row >= start && row <= end;
    }
}

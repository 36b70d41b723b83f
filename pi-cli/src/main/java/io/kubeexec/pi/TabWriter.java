package io.kubeexec.pi;

import java.util.List;

/**
 * Go's {@code text/tabwriter}, in the two settings the plugin prints with. The original plugin's ({@code minwidth 0,
 * tabwidth 8, padding 2, padchar '\t'}): each column is padded with tabs to the smallest multiple of 8 that holds its
 * widest cell plus 2, reproduced exactly so that scripts written against the original plugin's output keep working.
 * kubectl's, for {@code -o custom-columns} ({@code minwidth 6, padding 3, padchar ' '}, cli-runtime's tab writer):
 * each column is padded with spaces to its widest cell plus 3, at least 6.
 */
public final class TabWriter {

    private static final int TAB_WIDTH = 8;

    private TabWriter() {
    }

    /** The original plugin's layout. */
    public static String format(List<List<String>> rows) {
        return format(rows, 0, 2, '\t');
    }

    /** Every row is a list of cells; the last cell of a row is not padded. Each row ends with a newline. */
    static String format(List<List<String>> rows, int minWidth, int padding, char padChar) {
        StringBuilder out = new StringBuilder();
        // Go aligns a column over a block of consecutive lines that have a cell in it; a cell that ends a line is
        // not part of any column.
        int n = rows.size();
        int[][] widths = new int[n][];
        for (int i = 0; i < n; i++) {
            widths[i] = new int[Math.max(0, rows.get(i).size() - 1)];
        }
        for (int col = 0; ; col++) {
            boolean any = false;
            int i = 0;
            while (i < n) {
                if (rows.get(i).size() - 1 <= col) {
                    i++;
                    continue;
                }
                any = true;
                int start = i;
                int width = minWidth;
                while (i < n && rows.get(i).size() - 1 > col) {
                    width = Math.max(width, cellWidth(rows.get(i).get(col)) + padding);
                    i++;
                }
                if (padChar == '\t') {
                    width = (width + TAB_WIDTH - 1) / TAB_WIDTH * TAB_WIDTH;
                }
                for (int k = start; k < i; k++) {
                    widths[k][col] = width;
                }
            }
            if (!any) {
                break;
            }
        }
        for (int i = 0; i < n; i++) {
            List<String> row = rows.get(i);
            for (int col = 0; col < row.size(); col++) {
                String cell = row.get(col);
                out.append(cell);
                if (col < row.size() - 1) {
                    int pad = widths[i][col] - cellWidth(cell);
                    out.append(padChar == '\t' ? "\t".repeat((pad + TAB_WIDTH - 1) / TAB_WIDTH) : " ".repeat(pad));
                }
            }
            out.append('\n');
        }
        return out.toString();
    }

    /** Go counts runes (code points). */
    private static int cellWidth(String cell) {
        return cell.codePointCount(0, cell.length());
    }
}

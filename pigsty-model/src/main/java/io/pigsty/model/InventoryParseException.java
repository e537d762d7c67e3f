package io.pigsty.model;

/** An inventory text is not well-formed YAML/JSON, or its structure is not Pigsty's layout. */
public class InventoryParseException extends PigstyException {
    private static final long serialVersionUID = 1L;
    private final String source;
    private final int line;
    private final int column;

    /**
     * @param source file name or description
     * @param line   1-based line, 0 when unknown
     * @param column 1-based column, 0 when unknown
     * @param reason what is wrong
     * @param cause  parser failure, may be null
     */
    public InventoryParseException(String source, int line, int column, String reason, Throwable cause) {
        super(source + (line > 0 ? ":" + line + ":" + column : "") + ": " + reason, cause);
        this.source = source;
        this.line = line;
        this.column = column;
    }

    /** @return the file name or description */
    public String source() {
        return source;
    }

    /** @return 1-based line, 0 when unknown */
    public int line() {
        return line;
    }

    /** @return 1-based column, 0 when unknown */
    public int column() {
        return column;
    }
}

package io.flywheel.plugins.listing;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;

/** Readable text from HTML: paragraphs and line breaks kept as new lines, whitespace tidied. */
public final class Text {
    private static final int MAX_TITLE = 300;
    private static final java.util.regex.Pattern SPACES = java.util.regex.Pattern.compile("[ \\t\\x0B\\f]+");
    private static final java.util.regex.Pattern AROUND_NEWLINE = java.util.regex.Pattern.compile(" *\n *");
    private static final java.util.regex.Pattern BLANK_LINES = java.util.regex.Pattern.compile("\n{3,}");
    private static final java.util.regex.Pattern WHITESPACE = java.util.regex.Pattern.compile("\\s+");

    private Text() {}

    /** Text of an HTML fragment, or {@code null} for {@code null}. */
    public static String fromHtml(String html) {
        if (html == null) {
            return null;
        }
        if (html.indexOf('<') < 0 && html.indexOf('&') < 0) {
            return tidy(html);
        }
        return of(Jsoup.parseBodyFragment(html).body());
    }

    /** Text of an element with block boundaries as line breaks. */
    public static String of(Element element) {
        StringBuilder out = new StringBuilder();
        new TextVisitor(out).traverse(element);
        return tidy(out.toString());
    }

    /** A one-line title: the first non-blank line, whitespace collapsed, at most 300 characters. */
    public static String title(String text) {
        if (text == null) {
            return null;
        }
        String first = text.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse("");
        first = WHITESPACE.matcher(first).replaceAll(" ");
        if (first.length() > MAX_TITLE) {
            first = first.substring(0, MAX_TITLE - 1).strip() + "…";
        }
        return first.isEmpty() ? null : first;
    }

    static String tidy(String text) {
        String t = text.replace('\u00a0', ' ').replace("\r\n", "\n").replace('\r', '\n');
        t = SPACES.matcher(t).replaceAll(" ");
        if (t.indexOf('\n') >= 0) {
            t = BLANK_LINES.matcher(AROUND_NEWLINE.matcher(t).replaceAll("\n")).replaceAll("\n\n");
        }
        return t.strip();
    }

    /** Appends {@code s} with each run of whitespace as one space. */
    static void appendCollapsed(StringBuilder out, String s) {
        boolean space = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                space = true;
            } else {
                if (space) {
                    out.append(' ');
                    space = false;
                }
                out.append(c);
            }
        }
        if (space) {
            out.append(' ');
        }
    }

    private static final class TextVisitor {
        private static final java.util.Set<String> BLOCKS = java.util.Set.of(
                "p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section", "article",
                "header", "footer", "blockquote", "pre", "dd", "dt", "dl", "td", "th");
        private final StringBuilder out;

        TextVisitor(StringBuilder out) {
            this.out = out;
        }

        void traverse(Element root) {
            org.jsoup.select.NodeTraversor.traverse(new org.jsoup.select.NodeVisitor() {
                @Override
                public void head(org.jsoup.nodes.Node node, int depth) {
                    if (node instanceof org.jsoup.nodes.TextNode t) {
                        appendCollapsed(out, t.getWholeText());
                    } else if (node instanceof Element e) {
                        String name = e.normalName();
                        if (name.equals("br")) {
                            out.append('\n');
                        } else if (BLOCKS.contains(name)) {
                            out.append(name.equals("td") || name.equals("th") ? " " : "\n");
                        }
                    }
                }

                @Override
                public void tail(org.jsoup.nodes.Node node, int depth) {
                    if (node instanceof Element e && BLOCKS.contains(e.normalName()) && !e.normalName().equals("td") && !e.normalName().equals("th")) {
                        out.append('\n');
                    }
                }
            }, root);
        }
    }
}

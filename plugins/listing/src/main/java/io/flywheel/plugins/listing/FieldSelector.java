package io.flywheel.plugins.listing;

import java.util.Locale;
import org.jsoup.nodes.Element;
import org.jsoup.select.Evaluator;
import org.jsoup.select.QueryParser;
import org.jsoup.select.Selector;

/**
 * One configured field: a CSS selector and, after {@code @}, an optional attribute to read. A
 * selector starting with {@code +} or {@code ~} looks in the item's next sibling or any following
 * sibling (Hacker News puts a posting's date in the table row after it: {@code + tr span.age @title}).
 */
record FieldSelector(String css, Evaluator evaluator, String attribute, char sibling) {

    static FieldSelector parse(String spec) {
        String s = spec.strip();
        String css = s;
        String attribute = null;
        int at = s.lastIndexOf('@');
        if (at >= 0 && s.substring(at + 1).matches("[A-Za-z_:][-A-Za-z0-9_:.]*")) {
            css = s.substring(0, at).strip();
            attribute = s.substring(at + 1).toLowerCase(Locale.ROOT);
        }
        Evaluator evaluator = null;
        char sibling = 0;
        if (css.startsWith("+") || css.startsWith("~")) {
            sibling = css.charAt(0);
            css = css.substring(1).strip();
            if (css.isEmpty()) {
                throw new IllegalArgumentException("'" + spec + "' names no element after '" + sibling + "'");
            }
        }
        if (!css.isEmpty()) {
            try {
                evaluator = QueryParser.parse(css);
            } catch (Selector.SelectorParseException | IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + spec + "' is not a valid CSS selector: " + e.getMessage());
            }
        } else if (attribute == null) {
            throw new IllegalArgumentException("empty selector");
        }
        return new FieldSelector(css, evaluator, attribute, sibling);
    }

    /** The element this field reads within {@code item}: the item itself when the selector is only {@code @attr}. */
    Element element(Element item) {
        if (evaluator == null) {
            return item;
        }
        if (sibling == '+') {
            Element next = item.nextElementSibling();
            return next == null ? null : next.selectFirst(evaluator);
        }
        if (sibling == '~') {
            for (Element next = item.nextElementSibling(); next != null; next = next.nextElementSibling()) {
                Element found = next.selectFirst(evaluator);
                if (found != null) {
                    return found;
                }
            }
            return null;
        }
        return item.selectFirst(evaluator);
    }

    /** The field's value in {@code item}, or {@code null} when absent or blank. */
    String value(Element item) {
        Element e = element(item);
        if (e == null) {
            return null;
        }
        String v;
        if (attribute == null) {
            v = Text.of(e);
        } else if (isUrlAttribute(attribute)) {
            v = e.absUrl(attribute);
            if (v.isEmpty()) {
                v = e.attr(attribute);
            }
        } else {
            v = e.attr(attribute);
        }
        return v == null || v.isBlank() ? null : v.strip();
    }

    private static boolean isUrlAttribute(String a) {
        return a.equals("href") || a.equals("src") || a.equals("action") || a.equals("data-href") || a.equals("data-url");
    }
}

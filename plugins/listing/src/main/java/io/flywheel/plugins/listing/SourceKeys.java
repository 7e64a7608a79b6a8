package io.flywheel.plugins.listing;

import java.net.URI;
import java.util.List;

/**
 * The config keys every web source type shares, {@code url} or {@code urls}, {@code robots} and
 * {@code limit}, as the config records of the rss, json, html and browser sources declare them;
 * each record normalizes them with {@link SourceUrls} in its compact constructor, so that
 * {@code robots} and {@code limit} are set once it is built.
 */
public interface SourceKeys {
    URI url();

    List<URI> urls();

    Boolean robots();

    Integer limit();

    /** Every URL to read: {@code url} first, then {@code urls}. */
    default List<URI> all() {
        return SourceUrls.all(url(), urls());
    }

    /** The keys of a source that reads pages: {@code pages}, {@code first-page} and {@code page-step} too. */
    interface Paged extends SourceKeys {
        Integer pages();

        Integer firstPage();

        Integer pageStep();

        default Pagination pagination() {
            return Pagination.of(pages(), firstPage(), pageStep());
        }
    }
}

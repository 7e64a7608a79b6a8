package io.flywheel.api.lead;

import io.flywheel.api.ComponentFactory;
import org.pf4j.ExtensionPoint;

/** Extension point for lead source types ({@code html}, {@code rss}, {@code json}, {@code browser}, ...). */
public interface LeadSourceFactory<C extends Record> extends ComponentFactory<C, LeadSource>, ExtensionPoint {}

package io.flywheel.api;

/** Config type for components that take no settings of their own. */
public record NoConfig() {}

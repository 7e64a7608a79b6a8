package io.flywheel.engine.feedback;

/** What feedback is grouped by. */
public enum Dimension { KEYWORD, PLATFORM, SOURCE, STRATEGY }

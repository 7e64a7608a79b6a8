/** Rules that turn recorded feedback into new weights: the contracts the engine calls, and their JavaScript implementations. */
package io.flywheel.engine.rules;

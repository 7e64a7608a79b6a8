/** Trading strategies: they see bars up to the current one and return a target exposure. */
package io.flywheel.api.strategy;

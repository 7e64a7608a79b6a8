/** Bot commands that plugins contribute; the host's router checks options and permissions. */
package io.flywheel.api.command;

package io.vmtree.connector.vsphere;

import org.apache.log4j.Level;
import org.apache.log4j.Logger;
import org.apache.log4j.varia.NullAppender;

/**
 * Silences yavijava's log4j 1 logging (through reload4j): it logs an error with a stack trace for
 * every fault the server answers, even expected ones, and traces request bodies, login included.
 * vmtree reports failures itself, as {@code ConnectorException} messages.
 */
final class QuietLogging {
  private QuietLogging() {}

  static void install() {
    for (String name : new String[] {"com.vmware", "org.doublecloud"}) {
      Logger logger = Logger.getLogger(name);
      logger.setLevel(Level.OFF);
      logger.setAdditivity(false);
      // an appender, so that log4j never prints "no appenders could be found"
      logger.addAppender(new NullAppender());
    }
  }
}

package dev.perftrace.examples.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KeysTest {

  @Test
  void isValid_safeNames_areAccepted() {
    assertThat(Keys.isValid("item-0042.bin")).isTrue();
  }

  @Test
  void isValid_pathTraversalAndDots_areRejected() {
    assertThat(Keys.isValid("..")).isFalse();
    assertThat(Keys.isValid(".")).isFalse();
    assertThat(Keys.isValid("a/b")).isFalse();
  }

  @Test
  void isValid_emptyOrTooLong_areRejected() {
    assertThat(Keys.isValid("")).isFalse();
    assertThat(Keys.isValid("x".repeat(201))).isFalse();
  }
}

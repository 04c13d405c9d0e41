package dev.perftrace.examples.store.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LruMemoryTest {

  @Test
  void put_overCapacity_evictsLeastRecentlyUsed() {
    LruMemory memory = new LruMemory(30);
    memory.put("a", new byte[10]);
    memory.put("b", new byte[10]);
    memory.put("c", new byte[10]);
    memory.get("a"); // a is now most recently used; b is eldest

    memory.put("d", new byte[10]);

    assertThat(memory.get("b")).isNull();
    assertThat(memory.size()).isEqualTo(3);
    assertThat(memory.sizeBytes()).isEqualTo(30);
  }

  @Test
  void put_sameKey_replacesAndRecountsBytes() {
    LruMemory memory = new LruMemory(100);
    memory.put("a", new byte[40]);

    memory.put("a", new byte[25]);

    assertThat(memory.get("a")).hasSize(25);
    assertThat(memory.sizeBytes()).isEqualTo(25);
  }

  @Test
  void put_largerThanCapacity_isNotStoredAndDropsOldValue() {
    LruMemory memory = new LruMemory(10);
    memory.put("a", new byte[5]);

    memory.put("a", new byte[11]);

    assertThat(memory.get("a")).isNull();
    assertThat(memory.sizeBytes()).isZero();
  }

  @Test
  void constructor_zeroCapacity_throwsNamingParameter() {
    assertThatThrownBy(() -> new LruMemory(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("capacityBytes must be at least 1, was 0");
  }
}

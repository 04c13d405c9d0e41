package dev.perftrace.buildchecks;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * Reads the constant pool of a class file (JVMS §4.4) and returns the UTF-8 entries that name
 * types: class names, field, method and generic signatures. UTF-8 entries used only as string
 * literals are left out, so a literal mentioning a package is not a reference to it.
 */
final class ClassConstants {

  private ClassConstants() {}

  static List<String> typeStrings(byte[] classFile) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile));
    if (in.readInt() != 0xCAFEBABE) {
      throw new IOException("not a class file");
    }
    in.readUnsignedShort(); // minor
    in.readUnsignedShort(); // major
    int count = in.readUnsignedShort();
    String[] utf8 = new String[count];
    BitSet literal = new BitSet(count); // UTF-8 entries a CONSTANT_String points to
    BitSet typed = new BitSet(count); // UTF-8 entries a CONSTANT_Class or MethodType points to
    for (int i = 1; i < count; i++) {
      int tag = in.readUnsignedByte();
      switch (tag) {
        case 1: // Utf8
          utf8[i] = in.readUTF();
          break;
        case 3: // Integer
        case 4: // Float
          in.readInt();
          break;
        case 5: // Long
        case 6: // Double
          in.readLong();
          i++; // takes two slots
          break;
        case 7: // Class
        case 16: // MethodType
          typed.set(in.readUnsignedShort());
          break;
        case 8: // String
          literal.set(in.readUnsignedShort());
          break;
        case 19: // Module
        case 20: // Package
          in.readUnsignedShort();
          break;
        case 9: // Fieldref
        case 10: // Methodref
        case 11: // InterfaceMethodref
        case 12: // NameAndType
        case 17: // Dynamic
        case 18: // InvokeDynamic
          in.readInt();
          break;
        case 15: // MethodHandle
          in.readUnsignedByte();
          in.readUnsignedShort();
          break;
        default:
          throw new IOException("unknown constant pool tag " + tag + " at " + i);
      }
    }
    List<String> result = new ArrayList<>();
    for (int i = 1; i < count; i++) {
      if (utf8[i] != null && (!literal.get(i) || typed.get(i))) {
        result.add(utf8[i]);
      }
    }
    return result;
  }
}

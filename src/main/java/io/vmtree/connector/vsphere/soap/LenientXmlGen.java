/*
 * Adapted from yavijava's package-private com.vmware.vim25.ws.XmlGenDom
 * (Copyright (c) 2013 Steve Jin, Copyright (c) 2009 VMware, Inc.; BSD 3-clause licence:
 * redistributions must retain this notice; the names of VMware, Inc. and its contributors may not
 * be used to endorse products derived from this software; provided "as is", without warranty).
 */
package io.vmtree.connector.vsphere.soap;

import com.vmware.vim25.LocalizableMessage;
import com.vmware.vim25.ManagedObjectReference;
import com.vmware.vim25.MethodFault;
import com.vmware.vim25.mo.util.MorUtil;
import com.vmware.vim25.ws.SoapConsts;
import com.vmware.vim25.ws.XmlGen;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.rmi.RemoteException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.dom4j.Attribute;
import org.dom4j.Document;
import org.dom4j.DocumentException;
import org.dom4j.Element;
import org.dom4j.io.SAXReader;
import org.doublecloud.ws.util.ReflectUtil;
import org.doublecloud.ws.util.TypeUtil;
import org.xml.sax.SAXException;

/**
 * The response parser of vmtree's vSphere connector, in place of yavijava's strict one. It reads
 * what a vCenter newer than the library sends instead of failing on it:
 *
 * <ul>
 *   <li>an element with no field in the library's class (a property added in a later API) is
 *       skipped, with its repeated siblings;
 *   <li>an enum value the library does not know becomes null, an unknown {@code xsi:type} falls
 *       back to the field's declared type;
 *   <li>a managed object reference's type is its own un-namespaced {@code type} attribute, never
 *       {@code xsi:type} (dom4j's {@code attributeValue("type")} matches either, by local name);
 *   <li>a SOAP fault becomes the typed {@link MethodFault} of its detail ({@code MethodFault}
 *       itself when the type is unknown) with the fault string as its first message, with no
 *       reflection into the JDK (yavijava sets {@code Throwable.detailMessage}, which Java 17
 *       refuses).
 * </ul>
 *
 * Thread-safe: it keeps no state but caches of class lookups.
 */
public final class LenientXmlGen extends XmlGen {
  private static final String VIM_PACKAGE = "com.vmware.vim25.";
  private static final Map<String, Optional<Class<?>>> CLASSES = new ConcurrentHashMap<>();

  /**
   * {@return the value of a response body of {@code returnType} (a vim25 type name, {@code
   * ManagedObjectReference[]}, {@code String}...), or null for a void method}
   *
   * @throws MethodFault the typed fault, when the server answered with one
   * @throws RemoteException when the response cannot be read
   */
  @Override
  public Object fromXML(String returnType, InputStream in) throws RemoteException {
    Element body;
    try (InputStream input = in) {
      Document doc = reader().read(input);
      body = doc.getRootElement().element("Body");
    } catch (DocumentException | IOException | SAXException e) {
      throw new RemoteException("unreadable response (" + returnType + "): " + e.getMessage(), e);
    }
    if (body == null || body.elements().isEmpty()) {
      throw new RemoteException("response without a SOAP body (" + returnType + ")");
    }
    Element response = body.elements().get(0);
    if (response.getName().equals("Fault")) {
      throw fault(response);
    }
    if (returnType == null) {
      return null;
    }
    try {
      return value(returnType, response);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new RemoteException("cannot read a " + returnType + ": " + e, e);
    }
  }

  private static SAXReader reader() throws SAXException {
    SAXReader reader = new SAXReader();
    // a SOAP response never has a DTD; refusing one rules out entity expansion attacks
    reader.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    reader.setFeature("http://xml.org/sax/features/external-general-entities", false);
    reader.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
    return reader;
  }

  /** {@return the typed fault of a SOAP {@code Fault} element} */
  static RemoteException fault(Element faultElement) {
    String code = faultElement.elementText("faultcode");
    String text = faultElement.elementText("faultstring");
    Element detail = faultElement.element("detail");
    Element typed = detail == null || detail.elements().isEmpty() ? null : detail.elements().get(0);
    if (typed == null) {
      return new RemoteException("SOAP fault " + code + (isBlank(text) ? "" : ": " + text));
    }
    String typeName = xsiType(typed);
    if (typeName == null) {
      // <InvalidLoginFault> without xsi:type: the element is named after the fault
      typeName = typed.getName().replaceFirst("Fault$", "");
    }
    Class<?> type = vimClass(typeName).filter(MethodFault.class::isAssignableFrom).orElse(null);
    MethodFault fault;
    try {
      fault = (MethodFault) object(type == null ? MethodFault.class : type, typed);
    } catch (ReflectiveOperationException | RuntimeException e) {
      fault = new MethodFault();
    }
    if (type == null) {
      fault.setDynamicType(typeName);
    }
    if (!isBlank(text)
        && (fault.getFaultMessage() == null || fault.getFaultMessage().length == 0)) {
      LocalizableMessage message = new LocalizableMessage();
      message.setKey("faultstring");
      message.setMessage(text);
      fault.setFaultMessage(new LocalizableMessage[] {message});
    }
    return fault;
  }

  private static boolean isBlank(String text) {
    return text == null || text.isBlank();
  }

  /** The value of a method's response element: its {@code returnval} children. */
  private static Object value(String type, Element response) throws ReflectiveOperationException {
    List<Element> values = response.elements();
    if (values.isEmpty()) {
      return null;
    }
    if (type.startsWith("ManagedObjectReference")) {
      if (!type.endsWith("[]")) {
        return reference(values.get(0));
      }
      ManagedObjectReference[] refs = new ManagedObjectReference[values.size()];
      for (int i = 0; i < refs.length; i++) {
        refs[i] = reference(values.get(i));
      }
      return refs;
    }
    if (TypeUtil.isBasicType(type)) {
      List<String> texts = new ArrayList<>();
      values.forEach(v -> texts.add(v.getText()));
      return ReflectUtil.parseToObject(type, texts);
    }
    if (type.endsWith("[]")) {
      Class<?> item = requireVimClass(type.substring(0, type.length() - 2));
      Object array = Array.newInstance(item, values.size());
      for (int i = 0; i < values.size(); i++) {
        Array.set(array, i, object(actualType(values.get(i), item), values.get(i)));
      }
      return array;
    }
    Class<?> clazz = requireVimClass(type);
    return object(actualType(values.get(0), clazz), values.get(0));
  }

  /** One data object (anything but a managed object reference) from its element. */
  static Object object(Class<?> clazz, Element node) throws ReflectiveOperationException {
    if (clazz == ManagedObjectReference.class) {
      return reference(node);
    }
    Object object = clazz.getDeclaredConstructor().newInstance();
    List<Element> children = node.elements();
    int size = children.size();
    for (int i = 0; i < size; i++) {
      Element child = children.get(i);
      String tag = child.getName();
      int run = sameTags(children, i, tag);
      Field field = field(clazz, tag);
      if (field == null) {
        i += run - 1; // a property newer than the library: skip it and its repeats
        continue;
      }
      Class<?> declared =
          field.getType().isArray() ? field.getType().getComponentType() : field.getType();
      boolean array = field.getType().isArray();
      Class<?> actual = actualType(child, declared);
      if (actual == ManagedObjectReference.class) {
        if (array) {
          ManagedObjectReference[] refs = new ManagedObjectReference[run];
          for (int j = 0; j < run; j++) {
            refs[j] = reference(children.get(i + j));
          }
          field.set(object, refs);
          i += run - 1;
        } else {
          field.set(object, reference(child));
        }
      } else if (actual.isEnum()) {
        if (array) {
          Object values = Array.newInstance(actual, run);
          for (int j = 0; j < run; j++) {
            Array.set(values, j, constant(actual, children.get(i + j).getText()));
          }
          field.set(object, values);
          i += run - 1;
        } else {
          field.set(object, constant(actual, child.getText()));
        }
      } else if (TypeUtil.isBasicType(actual)) {
        String xsi = xsiType(child);
        String basic = xsi != null && xsi.startsWith("xsd:") ? xsi.substring(4) : null;
        if (array) {
          List<String> texts = new ArrayList<>();
          for (int j = 0; j < run; j++) {
            texts.add(children.get(i + j).getText());
          }
          String name = basic != null ? basic : actual.getSimpleName();
          ReflectUtil.setObjectArrayField(
              object, field, name.endsWith("[]") ? name : name + "[]", texts);
          i += run - 1;
        } else if (basic != null && (basic.equals("anyType") || basic.equals("anyURI"))) {
          field.set(object, child.getText());
        } else if (basic != null || actual != Object.class) {
          ReflectUtil.setObjectField(
              object, field, basic != null ? basic : actual.getSimpleName(), child.getText());
        }
        // an Object field whose value has an unknown type: left null
      } else if (array) {
        Object values = Array.newInstance(declared, run);
        for (int j = 0; j < run; j++) {
          Element item = children.get(i + j);
          Class<?> itemType = actualType(item, declared);
          if (itemType == declared || declared.isAssignableFrom(itemType)) {
            Array.set(values, j, object(itemType, item));
          }
        }
        field.set(object, values);
        i += run - 1;
      } else if (field.getType().isAssignableFrom(actual)) {
        field.set(object, object(actual, child));
      }
    }
    return object;
  }

  /**
   * {@return the reference an element holds: its un-namespaced {@code type} attribute is the
   * managed object's type}
   */
  static ManagedObjectReference reference(Element element) {
    String type = null;
    for (Attribute attribute : element.attributes()) {
      if (attribute.getName().equals("type") && attribute.getNamespaceURI().isEmpty()) {
        type = attribute.getValue();
      }
    }
    return MorUtil.createMOR(type, element.getTextTrim());
  }

  /** {@return the enum constant named {@code text}, or null for a value newer than the library} */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Object constant(Class<?> type, String text) {
    try {
      return Enum.valueOf((Class<? extends Enum>) type, text.trim());
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * {@return the class an element's {@code xsi:type} names, if known and fitting, else {@code
   * declared}}
   */
  private static Class<?> actualType(Element element, Class<?> declared) {
    String xsi = xsiType(element);
    if (xsi == null || xsi.startsWith("xsd:")) {
      return declared;
    }
    return vimClass(xsi)
        .filter(c -> declared.isAssignableFrom(c) || declared == Object.class)
        .orElse(declared);
  }

  private static String xsiType(Element element) {
    String value = element.attributeValue(SoapConsts.XSI_TYPE);
    if (value == null) {
      return null;
    }
    int colon = value.indexOf(':');
    if (colon > 0 && !value.startsWith("xsd:")) {
      return value.substring(colon + 1); // vim25:Foo
    }
    return value;
  }

  private static Field field(Class<?> clazz, String tag) {
    try {
      return clazz.getField(TypeUtil.isPrimitiveType(tag) ? "_" + tag : tag);
    } catch (NoSuchFieldException e) {
      return null;
    }
  }

  private static int sameTags(List<Element> children, int from, String tag) {
    int run = 1;
    while (from + run < children.size() && children.get(from + run).getName().equals(tag)) {
      run++;
    }
    return run;
  }

  private static Class<?> requireVimClass(String type) throws ClassNotFoundException {
    return vimClass(type).orElseThrow(() -> new ClassNotFoundException(VIM_PACKAGE + type));
  }

  /** {@return the vim25 class named {@code type}, quietly empty when the library has none} */
  static Optional<Class<?>> vimClass(String type) {
    return CLASSES.computeIfAbsent(
        type,
        t -> {
          try {
            return Optional.of(
                Class.forName(VIM_PACKAGE + t, true, LenientXmlGen.class.getClassLoader()));
          } catch (ClassNotFoundException | LinkageError e) {
            return Optional.empty();
          }
        });
  }
}

package io.vmtree.connector.vsphere.soap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.vmware.vim25.ArrayOfManagedObjectReference;
import com.vmware.vim25.DynamicProperty;
import com.vmware.vim25.InvalidLogin;
import com.vmware.vim25.ManagedObjectReference;
import com.vmware.vim25.MethodFault;
import com.vmware.vim25.NotAuthenticated;
import com.vmware.vim25.ObjectContent;
import com.vmware.vim25.RetrieveResult;
import com.vmware.vim25.ServiceContent;
import com.vmware.vim25.TaskInfo;
import com.vmware.vim25.VirtualMachinePowerState;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.rmi.RemoteException;
import org.junit.jupiter.api.Test;

/**
 * The lenient parser on SOAP responses as vcsim and real vCenters write them (captured from the
 * simulator and trimmed, or written after the vSphere API reference where noted).
 */
class LenientXmlGenTest {
  private static final String ENVELOPE =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
          + "<soapenv:Envelope xmlns:soapenc=\"http://schemas.xmlsoap.org/soap/encoding/\""
          + " xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\""
          + " xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\""
          + " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"><soapenv:Body>%s"
          + "</soapenv:Body></soapenv:Envelope>";

  private final LenientXmlGen parser = new LenientXmlGen();

  private Object parse(String type, String body) throws RemoteException {
    return parser.fromXML(
        type,
        new ByteArrayInputStream(String.format(ENVELOPE, body).getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void skipsFieldsNewerThanTheLibrary() throws Exception {
    // vcsim (API 6.5) sends managers yavijava 6.0 has no field for; vCenter 7/8 send more
    ServiceContent content =
        (ServiceContent)
            parse(
                "ServiceContent",
                "<RetrieveServiceContentResponse xmlns=\"urn:vim25\"><returnval>"
                    + "<rootFolder type=\"Folder\">group-d1</rootFolder>"
                    + "<propertyCollector type=\"PropertyCollector\">propertyCollector</propertyCollector>"
                    + "<about><name>VMware vCenter Server</name><apiVersion>8.0.2.0</apiVersion>"
                    + "<futureField>x</futureField><futureField>y</futureField>"
                    + "<apiType>VirtualCenter</apiType></about>"
                    + "<vStorageObjectManager type=\"VcenterVStorageObjectManager\">VStorageObjectManager</vStorageObjectManager>"
                    + "<cryptoManager type=\"CryptoManagerKmip\">CryptoManager</cryptoManager>"
                    + "<viewManager type=\"ViewManager\">ViewManager</viewManager>"
                    + "</returnval></RetrieveServiceContentResponse>");

    assertEquals("group-d1", content.getRootFolder().getVal());
    assertEquals("Folder", content.getRootFolder().getType());
    assertEquals("8.0.2.0", content.getAbout().getApiVersion());
    assertEquals("VirtualCenter", content.getAbout().getApiType());
    assertEquals("ViewManager", content.getViewManager().getVal());
  }

  @Test
  void readsTheReferenceTypeFromItsOwnAttributeNotXsiType() throws Exception {
    // vcsim writes xsi:type before type; dom4j's attributeValue("type") would return the former
    RetrieveResult result =
        (RetrieveResult)
            parse(
                "RetrieveResult",
                "<RetrievePropertiesExResponse xmlns=\"urn:vim25\"><returnval><objects>"
                    + "<obj type=\"VirtualMachine\">vm-42</obj>"
                    + "<propSet><name>parent</name>"
                    + "<val xmlns:XMLSchema-instance=\"http://www.w3.org/2001/XMLSchema-instance\""
                    + " XMLSchema-instance:type=\"ManagedObjectReference\" type=\"Folder\">group-v3</val>"
                    + "</propSet>"
                    + "<propSet><name>datastore</name><val xsi:type=\"ArrayOfManagedObjectReference\">"
                    + "<ManagedObjectReference type=\"Datastore\" xsi:type=\"ManagedObjectReference\">datastore-1</ManagedObjectReference>"
                    + "<ManagedObjectReference xsi:type=\"ManagedObjectReference\" type=\"Datastore\">datastore-2</ManagedObjectReference>"
                    + "</val></propSet>"
                    + "<propSet><name>config.hardware.numCPU</name><val xsi:type=\"xsd:int\">4</val></propSet>"
                    + "</objects></returnval></RetrievePropertiesExResponse>");

    ObjectContent object = result.getObjects()[0];
    assertEquals("VirtualMachine", object.getObj().getType());
    DynamicProperty[] properties = object.getPropSet();
    ManagedObjectReference parent = (ManagedObjectReference) properties[0].getVal();
    assertEquals("Folder", parent.getType());
    assertEquals("group-v3", parent.getVal());
    ManagedObjectReference[] datastores =
        ((ArrayOfManagedObjectReference) properties[1].getVal()).getManagedObjectReference();
    assertArrayEquals(
        new String[] {"Datastore", "Datastore"},
        new String[] {datastores[0].getType(), datastores[1].getType()});
    assertEquals(4, properties[2].getVal());
    assertNull(result.getToken());
  }

  @Test
  void anUnknownEnumValueBecomesNullAndAnUnknownTypeFallsBackToTheDeclaredOne() throws Exception {
    RetrieveResult result =
        (RetrieveResult)
            parse(
                "RetrieveResult",
                "<RetrievePropertiesExResponse xmlns=\"urn:vim25\"><returnval><objects>"
                    + "<obj type=\"VirtualMachine\">vm-1</obj>"
                    + "<propSet><name>runtime.powerState</name>"
                    + "<val xsi:type=\"VirtualMachinePowerState\">poweredOn</val></propSet>"
                    + "<propSet><name>runtime.futureState</name>"
                    + "<val xsi:type=\"VirtualMachinePowerState\">hibernating</val></propSet>"
                    + "<propSet><name>config.futureThing</name>"
                    + "<val xsi:type=\"VirtualMachineFutureInfo\"><a>1</a></val></propSet>"
                    + "</objects><token>t-1</token></returnval></RetrievePropertiesExResponse>");

    DynamicProperty[] properties = result.getObjects()[0].getPropSet();
    assertEquals(VirtualMachinePowerState.poweredOn, properties[0].getVal());
    assertNull(properties[1].getVal(), "a power state newer than the library");
    assertNull(properties[2].getVal(), "a type the library does not know");
    assertEquals("t-1", result.getToken());

    TaskInfo info =
        (TaskInfo)
            parse(
                "TaskInfo",
                "<R xmlns=\"urn:vim25\"><returnval><key>task-7</key>"
                    + "<task type=\"Task\">task-7</task><state>paused</state>"
                    + "<cancelled>false</cancelled><cancelable>true</cancelable>"
                    + "</returnval></R>");
    assertEquals("task-7", info.getTask().getVal());
    assertNull(info.getState(), "a task state newer than the library");
  }

  @Test
  void aFaultIsThrownAsItsTypedMethodFaultWithTheFaultString() {
    RemoteException error =
        assertThrows(
            RemoteException.class,
            () ->
                parse(
                    "UserSession",
                    "<soapenv:Fault><faultcode>ServerFaultCode</faultcode>"
                        + "<faultstring>Cannot complete login due to an incorrect user name or password.</faultstring>"
                        + "<detail><InvalidLoginFault xmlns=\"urn:vim25\" xsi:type=\"InvalidLogin\">"
                        + "<futureDetail>z</futureDetail></InvalidLoginFault></detail>"
                        + "</soapenv:Fault>"));

    InvalidLogin fault = assertInstanceOf(InvalidLogin.class, error);
    assertEquals(
        "Cannot complete login due to an incorrect user name or password.",
        fault.getFaultMessage()[0].getMessage());
  }

  @Test
  void aFaultWithoutXsiTypeIsNamedByItsElement() {
    RemoteException error =
        assertThrows(
            RemoteException.class,
            () ->
                parse(
                    "RetrieveResult",
                    "<soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring/>"
                        + "<detail><NotAuthenticatedFault xmlns=\"urn:vim25\">"
                        + "<object type=\"Folder\">group-d1</object><privilegeId>System.View</privilegeId>"
                        + "</NotAuthenticatedFault></detail></soapenv:Fault>"));

    NotAuthenticated fault = assertInstanceOf(NotAuthenticated.class, error);
    assertEquals("Folder", fault.getObject().getType());
    assertEquals("System.View", fault.getPrivilegeId());
  }

  @Test
  void aFaultTheLibraryDoesNotKnowIsAMethodFaultNamingItsType() {
    RemoteException error =
        assertThrows(
            RemoteException.class,
            () ->
                parse(
                    "ManagedObjectReference",
                    "<soapenv:Fault><faultcode>ServerFaultCode</faultcode>"
                        + "<faultstring>vLCM says no</faultstring>"
                        + "<detail><Fault xmlns=\"urn:vim25\" xsi:type=\"VlcmFutureFault\"/></detail>"
                        + "</soapenv:Fault>"));

    MethodFault fault = assertInstanceOf(MethodFault.class, error);
    assertEquals(MethodFault.class, fault.getClass());
    assertEquals("VlcmFutureFault", fault.getDynamicType());
    assertEquals("vLCM says no", fault.getFaultMessage()[0].getMessage());
  }

  @Test
  void aFaultWithoutDetailKeepsItsCodeAndString() {
    RemoteException error =
        assertThrows(
            RemoteException.class,
            () ->
                parse(
                    "String",
                    "<soapenv:Fault><faultcode>ClientFaultCode</faultcode>"
                        + "<faultstring>malformed request</faultstring></soapenv:Fault>"));

    assertTrue(
        error.getMessage().contains("ClientFaultCode: malformed request"), error.getMessage());
  }

  @Test
  void aDocumentTypeDeclarationIsRefused() {
    String evil =
        "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
            + "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\">"
            + "<soapenv:Body><R><returnval>&e;</returnval></R></soapenv:Body></soapenv:Envelope>";
    assertThrows(
        RemoteException.class,
        () ->
            parser.fromXML(
                "String", new ByteArrayInputStream(evil.getBytes(StandardCharsets.UTF_8))));
  }

  @Test
  void basicValuesAndArraysOfReferences() throws Exception {
    assertEquals(
        "session-1",
        parse("String", "<R xmlns=\"urn:vim25\"><returnval>session-1</returnval></R>"));
    ManagedObjectReference[] refs =
        (ManagedObjectReference[])
            parse(
                "ManagedObjectReference[]",
                "<R xmlns=\"urn:vim25\"><returnval type=\"VirtualMachine\">vm-1</returnval>"
                    + "<returnval type=\"VirtualMachine\">vm-2</returnval></R>");
    assertEquals(2, refs.length);
    assertEquals("vm-2", refs[1].getVal());
    assertNull(parse(null, "<LogoutResponse xmlns=\"urn:vim25\"/>"));
  }
}
